import { useFrame, useThree } from '@react-three/fiber';
import { useRef } from 'react';

/**
 * Counts the frames this canvas renders in its `data-rendered-frames` attribute. With on-demand rendering the page's
 * animation-frame rate says nothing about the viewport, so performance tooling (the browser benchmark) reads this.
 */
export function RenderedFrameCounter() {
  const canvas = useThree((s) => s.gl.domElement);
  const frames = useRef(0);
  useFrame(() => {
    canvas.dataset.renderedFrames = String(++frames.current);
  });
  return null;
}

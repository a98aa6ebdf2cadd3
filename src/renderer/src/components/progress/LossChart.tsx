import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { ProgressHistory } from './progress-history';

const HEIGHT_PX = 120;
const TERM_COLOURS = ['#d08a3c', '#5aa9e6', '#9bd16b', '#e5534b', '#c792ea', '#e6c84f'];
const T_COLOUR = '#9a9ea8';

function chartData(history: ProgressHistory): uPlot.AlignedData {
  return [history.iterations, ...history.terms.values(), history.t];
}

/** The axes' labels in the panel's small type (uPlot's default is 12 px), with short ticks. */
const AXIS_FONT = '10px system-ui, sans-serif';
const AXIS_LINE_PX = 12;
const TICK_PX = 4;
const GAP_PX = 3;

let measuring: CanvasRenderingContext2D | null = null;

/** The width of the widest label in the axes' font. */
function widestLabelPx(labels: readonly string[] | null): number {
  measuring ??= document.createElement('canvas').getContext('2d');
  if (!measuring || !labels) return 0;
  measuring.font = AXIS_FONT;
  return Math.max(0, ...labels.map((label) => measuring!.measureText(label).width));
}

/**
 * A y axis as wide as its widest tick label (asked again whenever the ticks change), so "1,000" on the t axis or
 * "0.0125" on the loss axis is not cut off at the chart's edge as a fixed width cut it.
 */
const fitLabels = (_chart: uPlot, labels: string[] | null) => Math.ceil(TICK_PX + GAP_PX + widestLabelPx(labels) + 2);

function chartOptions(termNames: string[], width: number): uPlot.Options {
  const axis = { stroke: T_COLOUR, font: AXIS_FONT, gap: GAP_PX, ticks: { stroke: '#33363d', size: TICK_PX } };
  return {
    width,
    height: HEIGHT_PX,
    legend: { show: true, live: false },
    cursor: { show: false },
    scales: { x: { time: false }, loss: { auto: true }, t: { auto: true } },
    axes: [
      { ...axis, grid: { stroke: '#33363d' }, size: TICK_PX + GAP_PX + AXIS_LINE_PX + 2 },
      { ...axis, scale: 'loss', grid: { stroke: '#33363d' }, size: fitLabels },
      { ...axis, scale: 't', side: 1, grid: { show: false }, size: fitLabels },
    ],
    series: [
      { label: 'iteration' },
      ...termNames.map((name, i) => ({ label: name, scale: 'loss', stroke: TERM_COLOURS[i % TERM_COLOURS.length], width: 1.5, spanGaps: true })),
      { label: 't', scale: 't', stroke: T_COLOUR, width: 1, dash: [4, 3] },
    ],
  };
}

/** A small live uPlot chart of the method's loss terms (left axis) and the timestep t (right axis, dashed). */
export function LossChart({ history }: { history: ProgressHistory }) {
  const container = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latest = useRef(history);
  latest.current = history;
  const termKey = [...history.terms.keys()].join('\n');

  // A new set of terms needs new series: rebuild the chart; otherwise only its data changes.
  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const chart = new uPlot(chartOptions(termKey ? termKey.split('\n') : [], Math.max(100, element.clientWidth)), chartData(latest.current), element);
    plot.current = chart;
    const observer = new ResizeObserver(() => chart.setSize({ width: Math.max(100, element.clientWidth), height: HEIGHT_PX }));
    observer.observe(element);
    return () => {
      observer.disconnect();
      chart.destroy();
      plot.current = null;
    };
  }, [termKey]);

  useEffect(() => {
    plot.current?.setData(chartData(history));
  }, [history, termKey]);

  return <div ref={container} className="loss-chart" role="img" aria-label="Loss terms and timestep t by iteration" />;
}

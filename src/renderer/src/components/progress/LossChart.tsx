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

function chartOptions(termNames: string[], width: number): uPlot.Options {
  return {
    width,
    height: HEIGHT_PX,
    legend: { show: true, live: false },
    cursor: { show: false },
    scales: { x: { time: false }, loss: { auto: true }, t: { auto: true } },
    axes: [
      { stroke: T_COLOUR, grid: { stroke: '#33363d' }, ticks: { stroke: '#33363d' }, size: 22 },
      { scale: 'loss', stroke: T_COLOUR, grid: { stroke: '#33363d' }, ticks: { stroke: '#33363d' }, size: 40 },
      { scale: 't', side: 1, stroke: T_COLOUR, grid: { show: false }, ticks: { stroke: '#33363d' }, size: 36 },
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

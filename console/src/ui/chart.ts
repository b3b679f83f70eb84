/**
 * A time-series chart on uPlot (canvas, ~45 KB): one line per series over time, with vertical
 * markers where the policy or detector version changed. Sized to its container and redrawn with
 * the colour scheme.
 */
import uPlot from 'uplot';
import { useEffect, useRef } from 'preact/hooks';
import { html } from './html.js';

export interface Series {
  label: string;
  values: (number | null)[];
  /** A CSS custom property holding the colour, e.g. `--c-clarify`. */
  color: string;
  /** Formats a y value for the legend. */
  format?: (value: number) => string;
}

export interface Marker {
  time: number;
  label: string;
  kind: string;
}

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

function markerPlugin(markers: Marker[]): uPlot.Plugin {
  return {
    hooks: {
      draw: (u) => {
        const { ctx } = u;
        ctx.save();
        ctx.font = `${11 * devicePixelRatio}px system-ui, sans-serif`;
        for (const marker of markers) {
          const x = Math.round(u.valToPos(marker.time / 1000, 'x', true));
          if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) continue;
          ctx.strokeStyle = cssVar(marker.kind === 'policy' ? '--c-policy' : '--c-detector');
          ctx.fillStyle = ctx.strokeStyle;
          ctx.setLineDash([4 * devicePixelRatio, 4 * devicePixelRatio]);
          ctx.lineWidth = devicePixelRatio;
          ctx.beginPath();
          ctx.moveTo(x, u.bbox.top);
          ctx.lineTo(x, u.bbox.top + u.bbox.height);
          ctx.stroke();
          ctx.fillText(marker.label, x + 4 * devicePixelRatio, u.bbox.top + 12 * devicePixelRatio);
        }
        ctx.restore();
      },
    },
  };
}

export function TimeChart({
  title,
  times,
  series,
  markers = [],
  height = 220,
  yFormat,
}: {
  title: string;
  times: number[];
  series: Series[];
  markers?: Marker[];
  height?: number;
  yFormat?: (v: number) => string;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = box.current;
    if (element === null) return;
    const axis = { stroke: cssVar('--fg-muted'), grid: { stroke: cssVar('--grid'), width: 1 }, ticks: { stroke: cssVar('--grid') } };
    const options: uPlot.Options = {
      width: Math.max(280, element.clientWidth),
      height,
      legend: { show: true, live: true },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true } },
      axes: [axis, { ...axis, ...(yFormat ? { values: (_u: uPlot, values: number[]) => values.map(yFormat) } : {}) }],
      series: [
        {},
        ...series.map((s) => ({
          label: s.label,
          stroke: cssVar(s.color),
          width: 2,
          spanGaps: false,
          points: { show: false },
          ...(s.format ? { value: (_u: uPlot, v: number | null) => (v === null ? '—' : (s.format as (v: number) => string)(v)) } : {}),
        })),
      ],
      plugins: [markerPlugin(markers)],
    };
    const data: uPlot.AlignedData = [times.map((t) => t / 1000), ...series.map((s) => s.values)];
    const plot = new uPlot(options, data, element);
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(280, element.clientWidth), height }));
    resize.observe(element);
    const scheme = matchMedia('(prefers-color-scheme: dark)');
    const redraw = (): void => plot.redraw();
    scheme.addEventListener('change', redraw);
    return () => {
      resize.disconnect();
      scheme.removeEventListener('change', redraw);
      plot.destroy();
    };
  }, [times, series, markers, height, yFormat]);
  return html`<figure class="card chart">
    <figcaption><h3>${title}</h3></figcaption>
    <div ref=${box} role="img" aria-label=${`${title}: chart over time`}></div>
  </figure>`;
}

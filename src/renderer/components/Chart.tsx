// chart.js behind a React component: one canvas, the chart rebuilt when its data changes, destroyed on unmount.
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart as ChartJS,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartConfiguration,
} from 'chart.js';
import { useEffect, useRef, useState } from 'react';

ChartJS.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Tooltip, Legend);

/** Colours come from the page's CSS variables, so charts follow the light/dark theme. A variable holds its text as
 *  written (light-dark(…, …), which a canvas cannot paint), so it is resolved through an element's computed colour. */
function cssVar(name: string): string {
  const probe = document.createElement('span');
  probe.style.color = `var(${name})`;
  document.body.append(probe);
  const color = getComputedStyle(probe).color;
  probe.remove();
  return color || '#3b6fd4';
}

/** Changes whenever the colours may have: the OS scheme flips or Settings pins a theme (html[data-theme]). */
function useThemeVersion(): number {
  const [version, setVersion] = useState(0);
  useEffect(() => {
    const bump = () => setVersion((v) => v + 1);
    const media = window.matchMedia('(prefers-color-scheme: dark)');
    media.addEventListener('change', bump);
    const observer = new MutationObserver(bump);
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    return () => {
      media.removeEventListener('change', bump);
      observer.disconnect();
    };
  }, []);
  return version;
}

export interface Series {
  labels: string[];
  values: number[];
}

export function Chart({
  title,
  series,
  kind = 'bar',
  horizontal = false,
  onPick,
}: {
  title: string;
  series: Series;
  kind?: 'bar' | 'line';
  horizontal?: boolean;
  onPick?(index: number): void;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const theme = useThemeVersion();
  useEffect(() => {
    if (!canvas.current) return;
    const accent = cssVar('--accent');
    const text = cssVar('--fg-muted');
    const grid = cssVar('--border');
    const config: ChartConfiguration<'bar' | 'line'> = {
      type: kind,
      // A bar no wider than a thumb: one month of captures is one bar, not a block across the whole chart.
      data: { labels: series.labels, datasets: [{ label: title, data: series.values, backgroundColor: accent, borderColor: accent, pointRadius: 3, maxBarThickness: 40 }] },
      options: {
        indexAxis: horizontal ? 'y' : 'x',
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { display: false }, tooltip: { enabled: true } },
        scales: {
          // Counts are whole numbers: no 0.2 steps on the count axis.
          x: { ticks: { color: text, ...(horizontal ? { precision: 0 } : {}) }, grid: { color: grid } },
          y: { ticks: { color: text, ...(horizontal ? {} : { precision: 0 }) }, grid: { color: grid }, beginAtZero: true },
        },
        onClick: (_e, elements) => {
          if (onPick && elements[0]) onPick(elements[0].index);
        },
      },
    };
    const chart = new ChartJS(canvas.current, config);
    return () => chart.destroy();
  }, [title, series, kind, horizontal, onPick, theme]);
  const summary = series.labels.slice(0, 12).map((l, i) => `${l}: ${series.values[i]}`).join(', ');
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <div className="chart-box">
        <canvas ref={canvas} role="img" aria-label={`${title}. ${summary}${series.labels.length > 12 ? ', …' : ''}`} />
      </div>
    </figure>
  );
}

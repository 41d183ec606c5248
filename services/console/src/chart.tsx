/**
 * An Apache ECharts chart (tree-shaken: bar, line and box-plot series, SVG renderer), loaded with
 * the first page that draws one. ECharts' ARIA option writes a text description of the data on
 * the chart's element, so a screen reader hears what the picture shows; `title` is also its
 * accessible name.
 */
import { useEffect, useRef } from "preact/hooks";
import { lang } from "./i18n";

type ECharts = typeof import("./echarts-parts");
let loading: Promise<ECharts> | undefined;
const echarts = () => {
  loading ??= import("./echarts-parts");
  return loading;
};

/** Props: the ECharts option (series, axes …), an accessible title and the height in pixels. */
export function Chart(props: { option: Record<string, unknown>; title: string; height?: number; testId?: string }) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let disposed = false;
    let chart: { dispose(): void; setOption(o: object): void; resize(): void } | undefined;
    const resize = () => chart?.resize();
    void echarts().then((e) => {
      if (disposed || !el.current) return;
      chart = e.init(el.current, undefined, { renderer: "svg", locale: lang() === "zh" ? "ZH" : "EN" });
      chart.setOption({
        aria: { enabled: true, label: { description: undefined } },
        animation: false,
        tooltip: { trigger: "axis" },
        grid: { left: 60, right: 20, top: 40, bottom: 60, containLabel: true },
        ...props.option,
      });
      el.current.dataset.rendered = "true";
      addEventListener("resize", resize);
    });
    return () => {
      disposed = true;
      removeEventListener("resize", resize);
      chart?.dispose();
    };
  }, [JSON.stringify(props.option)]);
  return (
    <figure class="chart">
      <figcaption>{props.title}</figcaption>
      <div
        ref={el}
        role="img"
        aria-label={props.title}
        data-testid={props.testId}
        style={{ height: `${props.height ?? 320}px` }}
      />
    </figure>
  );
}

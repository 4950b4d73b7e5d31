import { useEffect, useRef, useState } from 'react';
import { SandboxedFrame } from './sandboxed-frame.tsx';

// An A4 page (210 × 297 mm at 96 dpi) drawn at its real width in a sandboxed frame and scaled down to
// the column, so the preview shows the page as it is laid out rather than reflowed to a narrow strip.

const A4_WIDTH = 794;
const A4_HEIGHT = 1123;

export function ScaledPage({ html, title }: { html: string; title: string }) {
  const box = useRef<HTMLDivElement>(null);
  const [scale, setScale] = useState(0.35);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const measure = () => setScale(Math.min(1, el.clientWidth / A4_WIDTH) || 0.35);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return (
    <div ref={box} className="scaled-page" style={{ height: `${Math.ceil(A4_HEIGHT * scale) + 2}px` }}>
      <div className="scaled-page-inner" style={{ width: `${A4_WIDTH}px`, height: `${A4_HEIGHT}px`, transform: `scale(${scale})` }}>
        <SandboxedFrame html={html} title={title} className="letter-frame" />
      </div>
    </div>
  );
}

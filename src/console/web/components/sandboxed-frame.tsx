// Rendered HTML (email bodies, letter pages) in a frame with an empty sandbox: no scripts, no forms,
// an opaque origin, so nothing in a template can reach the console or its session.
// The frame is out of the tab order: focus inside a sandboxed document cannot be shown from the
// console (no focus ring would mark it), and its words are on the page too — the email's plain
// text part, the letter's PDF.

export function SandboxedFrame({ html, title, className }: { html: string; title: string; className?: string }) {
  return <iframe sandbox="" srcDoc={html} title={title} tabIndex={-1} className={`sandboxed-frame ${className ?? ''}`} referrerPolicy="no-referrer" />;
}

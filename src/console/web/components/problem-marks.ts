import { RangeSet, StateEffect, StateField, type Extension, type Text } from '@codemirror/state';
import { Decoration, EditorView, GutterMarker, gutter, type DecorationSet } from '@codemirror/view';

// The check problems, located on their lines: a marked line and a gutter sign. The words are in the
// list under the editor (the editor points at it with aria-describedby); the marks are for the eye.

export interface LineProblem {
  line: number;
  message: string;
}

export const setProblems = StateEffect.define<LineProblem[]>();

class ProblemMarker extends GutterMarker {
  readonly text: string;
  constructor(text: string) {
    super();
    this.text = text;
  }
  override eq(other: GutterMarker): boolean {
    return other instanceof ProblemMarker && other.text === this.text;
  }
  override toDOM(): Node {
    const el = document.createElement('span');
    el.className = 'cm-problem-marker';
    el.textContent = this.text ? '!' : '';
    if (this.text) el.title = this.text;
    return el;
  }
}

interface Marks {
  lines: DecorationSet;
  markers: RangeSet<GutterMarker>;
}

function build(doc: Text, problems: readonly LineProblem[]): Marks {
  const byLine = new Map<number, string[]>();
  for (const p of problems) {
    const n = Math.min(Math.max(1, p.line), doc.lines);
    byLine.set(n, [...(byLine.get(n) ?? []), p.message]);
  }
  const lines = [];
  const markers = [];
  for (const [n, messages] of [...byLine.entries()].sort((a, b) => a[0] - b[0])) {
    const from = doc.line(n).from;
    const text = messages.join('\n');
    lines.push(Decoration.line({ class: 'cm-problem-line', attributes: { title: text } }).range(from));
    markers.push(new ProblemMarker(text).range(from));
  }
  return { lines: Decoration.set(lines), markers: RangeSet.of(markers) };
}

const problemField = StateField.define<Marks>({
  create: () => ({ lines: Decoration.none, markers: RangeSet.empty }),
  update(value, tr) {
    let next: Marks = tr.docChanged ? { lines: value.lines.map(tr.changes), markers: value.markers.map(tr.changes) } : value;
    for (const effect of tr.effects) if (effect.is(setProblems)) next = build(tr.state.doc, effect.value);
    return next;
  },
  provide: (field) => EditorView.decorations.from(field, (marks) => marks.lines),
});

export const problemMarks: Extension = [
  problemField,
  gutter({
    class: 'cm-problem-gutter',
    markers: (view) => view.state.field(problemField).markers,
    initialSpacer: () => new ProblemMarker('!'),
  }),
];

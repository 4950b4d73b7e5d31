import { startTransition, useEffect, useRef } from 'react';
import { Compartment, EditorState, type Extension } from '@codemirror/state';
import { EditorView, drawSelection, highlightActiveLineGutter, highlightSpecialChars, keymap, lineNumbers } from '@codemirror/view';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { bracketMatching, defaultHighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { html } from '@codemirror/lang-html';
import { handlebarsHighlight } from './handlebars-highlight.ts';
import { problemMarks, setProblems, type LineProblem } from './problem-marks.ts';

// A CodeMirror 6 editor as a React component. Tab is deliberately not bound: it moves on to the next
// control as everywhere else (and after Escape, CodeMirror's own rule, should a binding ever take it).

export interface CodeEditorProps {
  /** The text at creation, and again whenever `revision` changes. */
  value: string;
  revision?: number;
  onChange?: (value: string) => void;
  language: 'html' | 'text' | 'json';
  /** The accessible name of the editing area. */
  label: string;
  /** Ids of elements that describe the editor (problems, hints). */
  describedBy?: string;
  readOnly?: boolean;
  problems?: readonly LineProblem[];
  handlebars?: boolean;
  className?: string;
}

const theme = EditorView.theme({
  '&': { fontSize: '0.875rem', border: '1px solid var(--border-strong)', borderRadius: '4px', backgroundColor: 'var(--surface)' },
  '&.cm-focused': { outline: '3px solid var(--focus)', outlineOffset: '1px' },
  '.cm-content': { fontFamily: 'var(--mono)', minHeight: '5.5rem', padding: '4px 0' },
  '.cm-gutters': { backgroundColor: 'var(--surface-alt)', color: 'var(--muted)', borderRight: '1px solid var(--border)' },
  '.cm-scroller': { maxHeight: '28rem' },
});

function attributes(label: string, describedBy: string | undefined, readOnly: boolean): Extension {
  return EditorView.contentAttributes.of({
    'aria-label': label,
    ...(describedBy ? { 'aria-describedby': describedBy } : {}),
    ...(readOnly ? { 'aria-readonly': 'true' } : {}),
  });
}

export function CodeEditor({ value, revision = 0, onChange, language, label, describedBy, readOnly = false, problems, handlebars = false, className }: CodeEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;
  const compartments = useRef({ attrs: new Compartment(), readOnly: new Compartment() });

  useEffect(() => {
    if (!host.current) return;
    const { attrs, readOnly: ro } = compartments.current;
    const v = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: value,
        extensions: [
          lineNumbers(),
          highlightActiveLineGutter(),
          highlightSpecialChars(),
          history(),
          drawSelection(),
          bracketMatching(),
          keymap.of([...defaultKeymap, ...historyKeymap]),
          EditorView.lineWrapping,
          language === 'html' ? html({ autoCloseTags: false }) : [],
          syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
          handlebars ? handlebarsHighlight : [],
          problemMarks,
          theme,
          attrs.of(attributes(label, describedBy, readOnly)),
          ro.of(EditorState.readOnly.of(readOnly)),
          EditorView.updateListener.of((update) => {
            if (!update.docChanged) return;
            const text = update.state.doc.toString();
            // Keystrokes arrive as discrete events, whose updates React renders synchronously; a
            // burst of them (paste, fast typing) then counts as an update loop. The editor shows
            // the text itself, so the page may follow as a transition.
            startTransition(() => onChangeRef.current?.(text));
          }),
        ],
      }),
    });
    view.current = v;
    return () => {
      v.destroy();
      view.current = null;
    };
    // The editor is built once per language; the rest is reconfigured below without losing undo history.
  }, [language, handlebars]);

  useEffect(() => {
    const v = view.current;
    if (!v) return;
    const { attrs, readOnly: ro } = compartments.current;
    v.dispatch({ effects: [attrs.reconfigure(attributes(label, describedBy, readOnly)), ro.reconfigure(EditorState.readOnly.of(readOnly))] });
  }, [label, describedBy, readOnly]);

  // Typing must never be answered by the parent's (possibly older) value: the editor owns its text
  // and reports it; the parent replaces it only by bumping `revision` (opening a version, discarding).
  const valueRef = useRef(value);
  valueRef.current = value;
  useEffect(() => {
    const v = view.current;
    if (!v) return;
    const current = v.state.doc.toString();
    if (current !== valueRef.current) v.dispatch({ changes: { from: 0, to: current.length, insert: valueRef.current } });
  }, [revision]);

  useEffect(() => {
    view.current?.dispatch({ effects: setProblems.of(problems ? [...problems] : []) });
  }, [problems, language, handlebars]);

  return <div ref={host} className={`code-editor ${className ?? ''}`} />;
}

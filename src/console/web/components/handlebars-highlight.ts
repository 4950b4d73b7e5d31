import { Decoration, MatchDecorator, ViewPlugin, type DecorationSet, type EditorView, type ViewUpdate } from '@codemirror/view';

// Handlebars over any part (plain text or HTML): {{expressions}}, {{#blocks}}/{{/blocks}},
// {{{raw}}} and {{!-- comments --}} get their own marks on top of the HTML highlighting.

const kindOf = (tag: string): string => {
  if (tag.startsWith('{{!')) return 'cm-hbs cm-hbs-comment';
  if (tag.startsWith('{{{')) return 'cm-hbs cm-hbs-raw';
  if (/^\{\{~?\s*[#/^]/.test(tag) || /^\{\{~?\s*else\b/.test(tag)) return 'cm-hbs cm-hbs-block';
  return 'cm-hbs';
};

const marks = new Map<string, Decoration>();
const markFor = (cls: string): Decoration => {
  let mark = marks.get(cls);
  if (!mark) {
    mark = Decoration.mark({ class: cls });
    marks.set(cls, mark);
  }
  return mark;
};

const matcher = new MatchDecorator({
  regexp: /\{\{!--[\s\S]*?--\}\}|\{\{!.*?\}\}|\{\{\{[^{}]*\}\}\}|\{\{[^{}]*\}\}/g,
  decoration: (match) => markFor(kindOf(match[0])),
});

export const handlebarsHighlight = ViewPlugin.fromClass(
  class {
    decorations: DecorationSet;
    constructor(view: EditorView) {
      this.decorations = matcher.createDeco(view);
    }
    update(update: ViewUpdate) {
      this.decorations = matcher.updateDeco(update, this.decorations);
    }
  },
  { decorations: (plugin) => plugin.decorations },
);

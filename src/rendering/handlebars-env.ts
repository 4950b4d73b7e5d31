// The one Handlebars environment of the service: created once, helpers registered once, templates compiled once
// and cached by (template, channel, locale). Templates are compiled with strict: true and knownHelpersOnly: true;
// prototype access stays at Handlebars' safe default. On top of that:
//  - a template is checked before it is compiled: no partials, no decorators, no `lookup`/`log`, no path segment
//    that names a prototype member (constructor, __proto__, toString...) or starts with '_';
//  - the render context is wrapped so that reading a property that is not there throws (strict mode alone does not
//    cover helper arguments or `{{#if}}`), and it has no prototype to reach.
// SMS and WhatsApp are plain text: compiled with noEscape. Email and letters keep Handlebars' HTML escaping.
// Every failure comes out as a TemplateError whose message carries no data values (logs must not see amounts).

import Handlebars from 'handlebars';
import type { Channel } from '../domain/case-event.ts';
import { TemplateError } from '../errors.ts';
import { formatDate, formatIban, formatMoney } from './format.ts';

export type Translate = (key: string, options: Record<string, unknown>) => string;

/** What helpers need to know about the message being rendered; passed as Handlebars data, never into the context. */
export interface RenderSettings {
  /** the template language, e.g. 'pl' */
  readonly lang: string;
  /** the BCP 47 locale for Intl, e.g. 'pl-PL' */
  readonly intlLocale: string;
  readonly channel: Channel;
  /** ISO 4217 code used by {{money}} unless the template passes currency="..." */
  readonly currency: string;
  readonly translate: Translate;
}

export interface CompiledTemplate {
  readonly key: string;
  readonly source: string;
  render(context: object, settings: RenderSettings): string;
}

const SETTINGS_KEY = '_render';

const env = Handlebars.create();
env.unregisterHelper('lookup');
env.unregisterHelper('log');

function settingsOf(options: Handlebars.HelperOptions | undefined, helper: string): RenderSettings {
  const settings: unknown = options?.data?.[SETTINGS_KEY];
  if (!settings) throw new TemplateError(`${helper}: helper called outside a render`);
  return settings as RenderSettings;
}

/** The last argument Handlebars passes to a helper is its options object. */
function splitArgs(args: unknown[], helper: string): { params: unknown[]; options: Handlebars.HelperOptions } {
  const options = args[args.length - 1] as Handlebars.HelperOptions | undefined;
  if (!options || typeof options !== 'object' || !('hash' in options)) throw new TemplateError(`${helper}: bad call`);
  return { params: args.slice(0, -1), options };
}


const helpers: Record<string, (...args: unknown[]) => string> = {
  /** {{money case.balance.total}} or {{money x currency="EUR"}} */
  money(...args) {
    const { params, options } = splitArgs(args, 'money');
    const settings = settingsOf(options, 'money');
    if (params.length !== 1) throw new TemplateError('money: expects one amount');
    const currency: unknown = options.hash['currency'] ?? settings.currency;
    if (typeof params[0] !== 'string' || typeof currency !== 'string') throw new TemplateError('money: amount and currency must be strings');
    return formatMoney(params[0], currency, settings.intlLocale);
  },
  /** {{date case.dueDate}} */
  date(...args) {
    const { params, options } = splitArgs(args, 'date');
    const settings = settingsOf(options, 'date');
    if (params.length !== 1 || typeof params[0] !== 'string') throw new TemplateError('date: expects one YYYY-MM-DD string');
    return formatDate(params[0], settings.intlLocale);
  },
  /** {{iban case.payment.iban}} */
  iban(...args) {
    const { params } = splitArgs(args, 'iban');
    if (params.length !== 1 || typeof params[0] !== 'string') throw new TemplateError('iban: expects one IBAN string');
    return formatIban(params[0]);
  },
  /** {{t "key"}}, {{t "instalments" count=data.plan.instalments context=data.plan.frequency}} */
  t(...args) {
    const { params, options } = splitArgs(args, 't');
    const settings = settingsOf(options, 't');
    const key = params[0];
    if (params.length !== 1 || typeof key !== 'string') throw new TemplateError('t: expects one key string');
    const values: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(options.hash)) {
      if (value === undefined || value === null) throw new TemplateError(`t: value "${name}" for "${key}" is missing`);
      values[name] = value;
    }
    return settings.translate(key, values);
  },
};

for (const [name, fn] of Object.entries(helpers)) env.registerHelper(name, fn);

const KNOWN_HELPERS = {
  helperMissing: true,
  blockHelperMissing: true,
  each: true,
  if: true,
  unless: true,
  with: true,
  log: false,
  lookup: false,
  ...Object.fromEntries(Object.keys(helpers).map((name) => [name, true])),
};

/** Names a template may never use as a path segment. */
const FORBIDDEN_SEGMENTS = new Set<string>([
  ...Object.getOwnPropertyNames(Object.prototype),
  'prototype',
  'call',
  'apply',
  'bind',
  'arguments',
  'caller',
]);
const FORBIDDEN_NODES = new Set(['PartialStatement', 'PartialBlockStatement', 'DecoratorBlock', 'Decorator']);

function checkAst(node: unknown, name: string): void {
  if (Array.isArray(node)) {
    for (const child of node) checkAst(child, name);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const n = node as { type?: unknown; parts?: unknown; original?: unknown; [k: string]: unknown };
  if (typeof n.type === 'string' && FORBIDDEN_NODES.has(n.type)) {
    throw new TemplateError(`template ${name}: ${n.type} is not allowed`);
  }
  if (n.type === 'PathExpression' && Array.isArray(n.parts)) {
    for (const part of n.parts) {
      if (typeof part !== 'string' || part.startsWith('_') || FORBIDDEN_SEGMENTS.has(part)) {
        throw new TemplateError(`template ${name}: path "${String(n.original)}" is not allowed`);
      }
    }
  }
  for (const [k, child] of Object.entries(n)) {
    if (k !== 'loc' && child && typeof child === 'object') checkAst(child, name);
  }
}

function toTemplateError(err: unknown, what: string): TemplateError {
  if (err instanceof TemplateError) return err;
  if (err instanceof Handlebars.Exception) {
    // Keep Handlebars' own words (paths, positions); drop the "not defined in <value>" tail, which prints data.
    const detail = (err.message.split('\n')[0] ?? '').replace(/ not defined in .*$/, ' not defined');
    const at = (err as { lineNumber?: number; column?: number }).lineNumber;
    const column = (err as { column?: number }).column;
    return new TemplateError(`${what}: ${detail}${at !== undefined && !detail.includes(' - ') ? ` (line ${at}, column ${(column ?? 0) + 1})` : ''}`);
  }
  // The parser's own errors: "Parse error on line N:\n<source around it>\n-----^\nExpecting …". The
  // source shown is the template's text (staff-written), never data, so it may be quoted.
  const parse = err instanceof Error ? /^Parse error on line (\d+):\n(.*)\n(-*)\^\n(.*)$/s.exec(err.message) : null;
  if (parse) {
    const [, line, near = '', dashes = '', expecting = ''] = parse;
    const column = near.length <= 20 ? dashes.length + 1 : undefined;
    return new TemplateError(`${what}: parse error on line ${line}${column ? `, column ${column}` : ''} near "${near.slice(Math.max(0, dashes.length - 12), dashes.length + 8)}": ${expecting.replace(/'/g, '')}`);
  }
  // Anything else (a TypeError from reading a property of a string, say) may quote a value: keep only its kind.
  // No `cause` either: log serializers print causes, and logs must not carry amounts or names.
  return new TemplateError(`${what}: ${err instanceof Error ? err.name : 'error'} (a variable was used in a way its value does not allow)`);
}

/**
 * Wraps plain data so that a template can read only what is there: a missing property throws a TemplateError naming
 * its path. The data is expected to be plain (null-prototype objects, arrays, strings, numbers, booleans, null).
 */
export function strictContext<T extends object>(data: T, path = ''): T {
  // One proxy per object per render: a template reads `case.balance` many times, and building a
  // new proxy on every read cost more than the rendering itself.
  const proxies = new WeakMap<object, object>();
  const wrap = <U extends object>(target: U, at: string): U => {
    const cached = proxies.get(target);
    if (cached) return cached as U;
    const proxy = new Proxy(target, {
      get(t, prop, receiver) {
        if (typeof prop === 'symbol') return Reflect.get(t, prop, receiver);
        if (!Object.prototype.hasOwnProperty.call(t, prop)) {
          throw new TemplateError(`missing variable "${at ? `${at}.` : ''}${prop}"`);
        }
        const value: unknown = Reflect.get(t, prop, receiver);
        return value !== null && typeof value === 'object' ? wrap(value, at ? `${at}.${prop}` : prop) : value;
      },
      has(t, prop) {
        return typeof prop === 'string' ? Object.prototype.hasOwnProperty.call(t, prop) : Reflect.has(t, prop);
      },
      set() {
        throw new TemplateError('templates cannot write to their context');
      },
    });
    proxies.set(target, proxy);
    return proxy;
  };
  return wrap(data, path);
}

const cache = new Map<string, CompiledTemplate>();

/**
 * Compiles (or returns the cached compilation of) a template. Throws TemplateError for a template that does not
 * parse or that breaks the rules above; errors surface here, at load, not at the first render.
 */
export function compileTemplate(
  template: string,
  channel: Channel,
  locale: string,
  source: string,
  // Plain-text parts (SMS, WhatsApp, an email's subject and text) are not HTML-escaped.
  format: 'text' | 'html' = channel === 'sms' || channel === 'whatsapp' ? 'text' : 'html',
): CompiledTemplate {
  const key = `${channel}/${template}.${locale}.${format}`;
  const cached = cache.get(key);
  if (cached && cached.source === source) return cached;

  const options = { strict: true, knownHelpersOnly: true, knownHelpers: KNOWN_HELPERS, noEscape: format === 'text' };
  let delegate: Handlebars.TemplateDelegate;
  try {
    checkAst(env.parse(source), key);
    env.precompile(source, options); // runs the full compiler now, so unknown helpers fail at load
    delegate = env.compile(source, options);
  } catch (err) {
    throw toTemplateError(err, `template ${key} does not compile`);
  }

  const compiled: CompiledTemplate = {
    key,
    source,
    render(context, settings) {
      try {
        return delegate(strictContext(context), {
          data: { [SETTINGS_KEY]: settings },
          allowProtoPropertiesByDefault: false,
          allowProtoMethodsByDefault: false,
        });
      } catch (err) {
        throw toTemplateError(err, `template ${key} failed to render`);
      }
    },
  };
  cache.set(key, compiled);
  return compiled;
}

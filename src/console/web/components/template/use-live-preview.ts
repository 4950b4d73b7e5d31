import { useEffect, useState } from 'react';
import { isAbort, post } from '../../api.ts';
import type { Channel, Language, LivePreview, SampleCountry } from '../../api-types.ts';

// The preview follows the text as it is typed: one request 300 ms after the last change, the previous
// one cancelled, so the answer on screen always belongs to the text on screen.

export const PREVIEW_DELAY_MS = 300;

export interface LivePreviewState {
  data: LivePreview | null;
  error: unknown;
  pending: boolean;
}

export function useLivePreview(template: string, channel: Channel, locale: Language, parts: Record<string, string> | null, sample: SampleCountry): LivePreviewState {
  const [state, setState] = useState<LivePreviewState>({ data: null, error: null, pending: false });
  const key = parts ? JSON.stringify(parts) : null;

  useEffect(() => {
    if (key === null) return;
    const controller = new AbortController();
    setState((s) => ({ ...s, pending: true }));
    const timer = window.setTimeout(() => {
      const path = `/v1/templates/${encodeURIComponent(template)}/${channel}/${locale}/preview`;
      post<LivePreview>(path, { parts: JSON.parse(key) as Record<string, string>, sample }, controller.signal)
        .then((data) => setState({ data, error: null, pending: false }))
        .catch((error: unknown) => {
          if (!isAbort(error)) setState((s) => ({ ...s, error, pending: false }));
        });
    }, PREVIEW_DELAY_MS);
    return () => {
      window.clearTimeout(timer);
      controller.abort();
    };
  }, [template, channel, locale, key, sample]);

  return state;
}

import { useId, useRef, type KeyboardEvent, type ReactNode } from 'react';

// WAI-ARIA tabs: one tab stop for the list, arrow keys move between tabs, the panel follows.

export interface TabItem<K extends string> {
  key: K;
  label: string;
}

export function Tabs<K extends string>({ label, items, selected, onSelect, children }: { label: string; items: ReadonlyArray<TabItem<K>>; selected: K; onSelect(key: K): void; children: ReactNode }) {
  const base = useId();
  const refs = useRef(new Map<K, HTMLButtonElement>());
  const move = (e: KeyboardEvent, index: number) => {
    let next: number | null = null;
    if (e.key === 'ArrowRight') next = (index + 1) % items.length;
    else if (e.key === 'ArrowLeft') next = (index - 1 + items.length) % items.length;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = items.length - 1;
    if (next === null) return;
    e.preventDefault();
    const item = items[next];
    if (!item) return;
    onSelect(item.key);
    refs.current.get(item.key)?.focus();
  };
  return (
    <div className="tabs">
      <div role="tablist" aria-label={label} className="tab-list">
        {items.map((item, i) => (
          <button
            key={item.key}
            ref={(el) => {
              if (el) refs.current.set(item.key, el);
              else refs.current.delete(item.key);
            }}
            type="button"
            role="tab"
            id={`${base}-tab-${item.key}`}
            aria-selected={item.key === selected}
            aria-controls={`${base}-panel`}
            tabIndex={item.key === selected ? 0 : -1}
            className="tab"
            onClick={() => onSelect(item.key)}
            onKeyDown={(e) => move(e, i)}
          >
            {item.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`${base}-panel`} aria-labelledby={`${base}-tab-${selected}`} tabIndex={0} className="tab-panel">
        {children}
      </div>
    </div>
  );
}

/**
 * "Copy" buttons for join links and feed addresses. The clipboard API needs a secure context and
 * the page's permission; where it is refused the text is put in a selected read-only box, so
 * Ctrl+C still copies it. Either way a visible line says what happened.
 */
import type { AppContext } from '../context.js';
import { defineStrings } from '../i18n.js';
import { h } from '../ui.js';

const strings = defineStrings({
  vi: {
    copied: 'Đã sao chép',
    pressCopy: 'Nhấn Ctrl+C để sao chép',
    copyOf: '{label}: {what}',
  },
  en: {
    copied: 'Copied',
    pressCopy: 'Press Ctrl+C to copy',
    copyOf: '{label}: {what}',
  },
});

/** Timers of the confirmations, cleared when the screen goes. */
export interface CopyTimers {
  clear(): void;
}

export function copyTimers(): CopyTimers & { later(fn: () => void, ms: number): void } {
  const timers = new Set<ReturnType<typeof setTimeout>>();
  return {
    later(fn, ms) {
      const id = setTimeout(() => {
        timers.delete(id);
        fn();
      }, ms);
      timers.add(id);
    },
    clear() {
      for (const id of timers) clearTimeout(id);
      timers.clear();
    },
  };
}

/**
 * A button that copies `text`, followed by its confirmation line and (when the clipboard is
 * refused) the read-only box. `what` names the thing for screen readers ("Điểm cầu Huyện 1").
 */
export function copyButton(ctx: AppContext, label: string, text: string, what: string, timers: ReturnType<typeof copyTimers>): HTMLSpanElement {
  const t = ctx.t(strings);
  const status = h('span', { className: 'copy-status', role: 'status', 'aria-live': 'polite' });
  const fallback = h('input', { type: 'text', readonly: true, className: 'copy-fallback', value: text, 'aria-label': t('copyOf', { label, what }), hidden: true });
  const button = h('button', { type: 'button', className: 'small', 'aria-label': t('copyOf', { label, what }), 'data-copy': text }, label);
  button.addEventListener('click', () => {
    void (async () => {
      let done = false;
      try {
        if (navigator.clipboard && window.isSecureContext) {
          await navigator.clipboard.writeText(text);
          done = true;
        }
      } catch {
        done = false;
      }
      if (!done) {
        fallback.hidden = false;
        fallback.value = text;
        fallback.focus();
        fallback.select();
        try {
          // Deprecated, but the one way left when the clipboard API is refused.
          done = document.execCommand('copy');
        } catch {
          done = false;
        }
      }
      status.textContent = done ? t('copied') : t('pressCopy');
      status.classList.toggle('ok', done);
      timers.later(() => {
        status.textContent = '';
      }, 4000);
    })();
  });
  return h('span', { className: 'copy' }, button, status, fallback);
}

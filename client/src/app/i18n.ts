/**
 * The web app's texts: Vietnamese first, English second. Each screen owns its strings
 * (`defineStrings`), so screens are written side by side without one shared dictionary.
 */
export type Lang = 'vi' | 'en';
export type Params = Record<string, string | number>;

export interface Strings<K extends string> {
  vi: Record<K, string>;
  en: Record<K, string>;
}

/** A function from a key to its text in the current language, with {name} placeholders filled. */
export type Translate<K extends string> = (key: K, params?: Params) => string;

/** Declares a screen's texts; the type makes a key missing in one language a compile error. */
export function defineStrings<K extends string>(strings: Strings<K>): Strings<K> {
  return strings;
}

export function translator<K extends string>(strings: Strings<K>, lang: () => Lang): Translate<K> {
  return (key, params = {}) => strings[lang()][key].replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? ''));
}

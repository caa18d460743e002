/**
 * Sentences the offline writer composes scripts from. `{topic}` is the
 * script's subject, `{Topic}` the same with a capital first letter,
 * `{keyword}` one word of the subject.
 */
export interface ScriptTemplateSet {
  headlines: string[];
  /** First sentence of the first beat. */
  open: string[];
  /** The body of every beat. */
  develop: string[];
  /** Last sentence of the last beat. */
  close: string[];
  /** Stock footage that suits the genre, in English: stock libraries search best in English. */
  footage: string[];
}

/** One language's templates: a set per genre family, and what to talk about when nothing is given. */
export interface LanguageScriptTemplates {
  lang: string;
  genres: Partial<Record<GenreFamily, ScriptTemplateSet>> & { news: ScriptTemplateSet };
  fallbackTopic: Partial<Record<GenreFamily, string>> & { news: string };
}

/** Genres grouped by how their scripts sound. */
export type GenreFamily = 'news' | 'explainer' | 'story' | 'motivation';

const genreFamilies: Record<string, GenreFamily> = {
  news: 'news',
  breaking: 'news',
  politics: 'news',
  sports: 'news',
  business: 'news',
  finance: 'news',
  facts: 'explainer',
  education: 'explainer',
  science: 'explainer',
  tech: 'explainer',
  technology: 'explainer',
  howto: 'explainer',
  'how-to': 'explainer',
  explainer: 'explainer',
  tips: 'explainer',
  story: 'story',
  history: 'story',
  drama: 'story',
  mystery: 'story',
  storytelling: 'story',
  motivation: 'motivation',
  inspiration: 'motivation',
  fitness: 'motivation',
  quotes: 'motivation',
  selfhelp: 'motivation',
};

/** The family a genre belongs to; unknown genres are explained like facts. */
export function genreFamilyOf(genre: string): GenreFamily {
  return genreFamilies[genre.trim().toLowerCase()] ?? 'explainer';
}

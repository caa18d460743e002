import type { LanguageScriptTemplates } from './script-templates';

/** German: one neutral set, used for every genre. */
export const germanScriptTemplates: LanguageScriptTemplates = {
  lang: 'de',
  fallbackTopic: { news: 'die Geschichte des Tages' },
  genres: {
    news: {
      headlines: ['{Topic}: was wir wissen', 'Warum {topic} wichtig ist', 'Die Geschichte hinter {topic}', 'Alles über {topic}'],
      open: [
        'Heute geht es um {topic}.',
        'Das ist passiert: {topic}.',
        'Alle reden über {topic}, und das ist der Grund.',
        'Es begann leise, doch {topic} macht jetzt Schlagzeilen.',
        'Eine Geschichte sticht heute heraus: {topic}.',
      ],
      develop: [
        'Der Schlüssel ist {keyword}.',
        'Wer dabei war, spricht von einem Wendepunkt.',
        'Die Zahlen sind größer als erwartet.',
        'Viele Fragen sind noch offen.',
        'Wer genau auf {keyword} schaut, versteht mehr.',
        'Fachleute sind sich einig, dass es zählt.',
      ],
      close: [
        'Was als Nächstes passiert, bleibt spannend.',
        'Folge uns für das nächste Update.',
        'Eines ist klar: Das ist noch nicht vorbei.',
        'Schreib uns deine Meinung in die Kommentare.',
        'Speichere dieses Video für später.',
      ],
      footage: ['city skyline', 'busy street', 'people walking', 'nature timelapse'],
    },
  },
};

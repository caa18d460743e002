import type { LanguageScriptTemplates } from './script-templates';

/** Spanish: one neutral set, used for every genre. */
export const spanishScriptTemplates: LanguageScriptTemplates = {
  lang: 'es',
  fallbackTopic: { news: 'la noticia del día' },
  genres: {
    news: {
      headlines: ['{Topic}: lo que sabemos', 'Por qué importa {topic}', 'La historia detrás de {topic}', 'Todo sobre {topic}'],
      open: [
        'Hoy hablamos de {topic}.',
        'Esto es lo que pasó con {topic}.',
        'Todos hablan de {topic}, y aquí está el porqué.',
        'Empezó en silencio, pero {topic} ya es noticia.',
        'Una historia destaca hoy: {topic}.',
      ],
      develop: [
        'La clave está en {keyword}.',
        'Quienes lo vivieron hablan de un antes y un después.',
        'Las cifras son mayores de lo esperado.',
        'Todavía quedan preguntas por responder.',
        'Si miras {keyword} de cerca, todo cobra sentido.',
        'Los expertos coinciden en que importa.',
      ],
      close: [
        'Lo que venga después se seguirá de cerca.',
        'Síguenos para la próxima actualización.',
        'Una cosa está clara: esto no ha terminado.',
        'Cuéntanos qué opinas en los comentarios.',
        'Guarda este video para más tarde.',
      ],
      footage: ['city skyline', 'busy street', 'people walking', 'nature timelapse'],
    },
  },
};

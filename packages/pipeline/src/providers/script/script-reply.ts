import { z } from 'zod';

/** What a model must reply: the script as JSON, snake_case as in the JSON schema it is shown. */
export const scriptReply = z.object({
  title: z.string().trim().min(1),
  beats: z
    .array(
      z.object({
        text: z.string(),
        sentences: z.array(z.string()),
        search_terms: z.array(z.string().trim().min(1)).min(1),
      }),
    )
    .min(1),
  hashtags: z.array(z.string()),
});

export type ScriptReply = z.infer<typeof scriptReply>;

/** The same shape as a JSON schema for `response_format: json_schema` (strict mode: every field required, nothing extra). */
export const scriptReplyJsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['title', 'beats', 'hashtags'],
  properties: {
    title: { type: 'string', description: 'The headline: short, punchy, in the script language.' },
    beats: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['text', 'sentences', 'search_terms'],
        properties: {
          text: { type: 'string', description: 'The narration of this beat.' },
          sentences: { type: 'array', items: { type: 'string' }, description: 'The narration split into its sentences, in order.' },
          search_terms: {
            type: 'array',
            items: { type: 'string' },
            description: 'Two or three short English stock-footage search terms for this beat, most specific first.',
          },
        },
      },
    },
    hashtags: { type: 'array', items: { type: 'string' }, description: 'Three to six hashtags, each starting with #.' },
  },
} as const;

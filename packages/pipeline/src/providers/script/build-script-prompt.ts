import { wordsPerSecondOf } from '@fenta/graph';
import type { ScriptRequest } from '../pipeline-providers';
import { fillPromptVariables, scriptPromptVariables } from './script-prompt-variables';

/** The chat messages that ask a model for a script: the rules as system message, the job as user message. */
export function buildScriptPrompt(request: ScriptRequest): Array<{ role: 'system' | 'user'; content: string }> {
  // The words the voice reading it says in the target length, at its language's rate and its speed.
  const words = Math.round(request.targetSeconds * wordsPerSecondOf(request.lang, request.voiceSpeed));
  const system = [
    'You write narration for short vertical videos (TikTok, Reels, YouTube Shorts).',
    'Reply with one JSON object and nothing else, shaped as:',
    '{"title": string, "beats": [{"text": string, "sentences": [string], "search_terms": [string]}], "hashtags": [string]}.',
    'The title is the headline. Each beat is 2 or 3 short spoken sentences; "sentences" holds them in order and "text" is them joined.',
    'search_terms are 2 or 3 short English phrases to find stock footage that shows the beat, most specific first.',
    'hashtags are 3 to 6 tags starting with #. Write title, narration and hashtags in the requested language.',
    'Plain spoken language: no emojis, no stage directions, no URLs, no markdown.',
  ].join('\n');
  const variables = scriptPromptVariables(request.variables);
  const user = [
    `Genre: ${request.genre}`,
    `Language: ${request.lang}`,
    `Length: about ${request.targetSeconds} seconds spoken, about ${words} words in total.`,
    `Beats: exactly ${request.beats} after the headline.`,
    ...(variables.length > 0 ? ['Variables:', ...variables.map(([name, value]) => `- ${name}: ${value}`)] : []),
    `Brief: ${fillPromptVariables(request.prompt, request.variables)}`,
  ].join('\n');
  return [
    { role: 'system', content: system },
    { role: 'user', content: user },
  ];
}

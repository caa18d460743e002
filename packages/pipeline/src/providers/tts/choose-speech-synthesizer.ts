import { FentaError } from '@fenta/core';
import type { NodeLogger } from '../../nodes/node-context';
import type { PipelineProviders, SpeechSynthesizer } from '../pipeline-providers';

/** Which speaker a node asked for; undefined lets the worker's configuration decide. */
export type SpeechProviderName = 'openai' | 'espeak-ng';

/**
 * The synthesizer for a node: the one asked for, else OpenAI when it is
 * configured, else espeak-ng. Asking for OpenAI without it configured runs
 * espeak-ng and says so in the job log, or fails with PROVIDER_UNAVAILABLE
 * in strict mode.
 */
export function chooseSpeechSynthesizer(providers: PipelineProviders, requested: SpeechProviderName | undefined, log: NodeLogger): SpeechSynthesizer {
  if (requested === 'espeak-ng') return providers.tts.espeak;
  if (providers.tts.openai) return providers.tts.openai;
  if (requested === 'openai') {
    if (providers.strict) {
      throw new FentaError('PROVIDER_UNAVAILABLE', { provider: 'openai', reason: 'no OpenAI API key is configured, and strict mode allows no substitute' });
    }
    log.warn('espeak-ng ran instead of openai: openai is not configured (no API key)', { requested: 'openai', provider: providers.tts.espeak.name });
  } else {
    log.info('speaking with espeak-ng: openai is not configured', { provider: providers.tts.espeak.name });
  }
  return providers.tts.espeak;
}

/** The official SDK clients as the tests use them: pointed at a test server, retries off so each error is seen once. */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';

export interface SdkClients {
  openai: OpenAI;
  anthropic: Anthropic;
}

/** `openai` is the OpenAI base URL (ending in `/v1`), `anthropic` the Anthropic one (without it). */
export function sdkClients(
  baseUrls: { openai: string; anthropic: string },
  apiKeys: { openai: string; anthropic: string } = { openai: 'sk-test', anthropic: 'sk-ant-test' },
): SdkClients {
  return {
    openai: new OpenAI({ baseURL: baseUrls.openai, apiKey: apiKeys.openai, maxRetries: 0 }),
    anthropic: new Anthropic({ baseURL: baseUrls.anthropic, apiKey: apiKeys.anthropic, maxRetries: 0 }),
  };
}

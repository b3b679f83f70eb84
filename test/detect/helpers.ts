import type { Conversation, Part, ToolDefinition } from '../../src/conversation.js';

type TurnSpec = { role: 'user' | 'assistant' | 'tool'; text?: string; parts?: Part[] };

/** Builds a conversation from turns (last one is normally the user's request). */
export function convo(turns: TurnSpec[], opts: { system?: string; tools?: ToolDefinition[] } = {}): Conversation {
  return {
    protocol: 'openai-chat',
    model: 'test',
    system: opts.system ?? '',
    turns: turns.map((t) => ({ role: t.role, parts: t.parts ?? (t.text === undefined ? [] : [{ type: 'text' as const, text: t.text }]) })),
    tools: opts.tools ?? [],
    stream: false,
  };
}

export function user(text: string, opts: { system?: string; tools?: ToolDefinition[] } = {}): Conversation {
  return convo([{ role: 'user', text }], opts);
}

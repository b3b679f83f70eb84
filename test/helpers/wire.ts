/** Wire facts several tests expect, written once: what the real APIs send. */

/** The event types of a streamed Responses text reply, in order (one of each; deltas may repeat). */
export const RESPONSES_TEXT_STREAM_EVENTS = [
  'response.created',
  'response.in_progress',
  'response.output_item.added',
  'response.content_part.added',
  'response.output_text.delta',
  'response.output_text.done',
  'response.content_part.done',
  'response.output_item.done',
  'response.completed',
];

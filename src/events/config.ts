/** The `events` section of the config file. Owned by the event log. */
import { z } from 'zod';

export const EventsConfigSchema = z
  .object({
    enabled: z.boolean().default(true),
  })
  .strict();
export type EventsConfig = z.infer<typeof EventsConfigSchema>;

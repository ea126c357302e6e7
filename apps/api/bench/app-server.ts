/**
 * A bench child process: Tandem exactly as `npm start` builds it (the same
 * createApp, configuration from the environment), plus a recorder of the SQL
 * each request sends, so the floor server can replay the very same statements.
 */
import 'reflect-metadata';
import { loadConfig } from '../src/config/config.js';
import { createLogger } from '../src/common/logger.js';
import { createApp } from '../src/bootstrap.js';
import type { ParentMessage } from './messages.js';
import { startRecording, stopRecording } from './recorder.js';

const config = loadConfig();
const app = await createApp(config, config.databaseUrl!, createLogger(config.logLevel));
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.getHttpServer().address() as { port: number };

process.on('message', (message: ParentMessage) => {
  if (message.type === 'record') startRecording();
  if (message.type === 'recorded') process.send!({ type: 'recorded', queries: stopRecording() });
  if (message.type === 'stop') void app.close().then(() => process.exit(0));
});
process.send!({ type: 'ready', port: address.port });

// Runs the partner app until Ctrl-C:
//   GATEWAY_URL=http://localhost:4000 PARTNER_CLIENT_ID=… PARTNER_CLIENT_SECRET=… \
//   PARTNER_ROOM_IDS=<room id>,<room id> PARTNER_NAME=partner-bot npm start
import { runPartnerChat } from './partner-chat.js';

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    console.error(`${name} is required`);
    process.exit(2);
  }
  return value;
}

const controller = new AbortController();
process.once('SIGINT', () => controller.abort());
process.once('SIGTERM', () => controller.abort());

await runPartnerChat({
  gatewayUrl: process.env.GATEWAY_URL ?? 'http://localhost:4000',
  clientId: required('PARTNER_CLIENT_ID'),
  clientSecret: required('PARTNER_CLIENT_SECRET'),
  roomIds: required('PARTNER_ROOM_IDS').split(',').map((id) => id.trim()).filter(Boolean),
  name: process.env.PARTNER_NAME ?? 'partner-bot',
  signal: controller.signal,
  onMessage: (message) => console.log(`[${message.roomId} #${message.sequence}] ${message.content}`),
  onError: (error) => console.warn('reconnecting after:', error instanceof Error ? error.message : error),
});

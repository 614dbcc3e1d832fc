import { toString as renderQrCode } from 'qrcode';
import type { SchedulingContext } from '../context.js';
import type { Registration } from '../db/database.js';
import { checkInCode } from './registration.service.js';

/**
 * The registration's check-in code as a QR code in SVG, for whoever sees the code (its owner,
 * once the seat is confirmed); null for anyone else. Rendered on request: it is a pure function
 * of the code, so nothing is stored. Error correction M survives a scuffed phone screen.
 */
export async function checkInQrSvg(ctx: SchedulingContext, registration: Registration): Promise<string | null> {
  const code = checkInCode(ctx, registration);
  if (code === null) return null;
  return renderQrCode(code, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}

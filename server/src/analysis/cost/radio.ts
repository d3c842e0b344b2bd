/**
 * Sending bytes over a link: time and device energy. A message costs a fixed energy (wake, connect, protocol
 * exchange: what was measured) covering `message_bytes` of payload; payload beyond that is costed at the radio's
 * transmit power for its airtime at the uplink rate. Links with a payload limit (LoRaWAN) split into several messages.
 */

/** The link parameters the cost model uses (already resolved from the manifest and the defaults). */
export interface LinkParams {
  readonly uplinkBps: number;
  readonly messageJ: number;
  readonly messageBytes: number;
  readonly txPowerW: number;
  readonly connectS: number;
  /** Largest payload per message, or null when unlimited. */
  readonly maxPayload: number | null;
}

/** What sending one payload costs. */
export interface Transfer {
  readonly messages: number;
  /** Airtime of the payload bits at the uplink rate. */
  readonly airtimeS: number;
  /** Connect time + airtime. */
  readonly seconds: number;
  readonly joules: number;
}

/** Time and energy to send `bytes` (0 bytes send nothing and cost nothing). */
export function transfer(bytes: number, link: LinkParams): Transfer {
  if (bytes <= 0) return { messages: 0, airtimeS: 0, seconds: 0, joules: 0 };
  const messages = link.maxPayload && link.maxPayload > 0 ? Math.ceil(bytes / link.maxPayload) : 1;
  const airtimeS = link.uplinkBps > 0 ? (bytes * 8) / link.uplinkBps : Infinity;
  const extraBytes = Math.max(0, bytes - messages * link.messageBytes);
  const extraS = link.uplinkBps > 0 ? (extraBytes * 8) / link.uplinkBps : Infinity;
  return { messages, airtimeS, seconds: link.connectS + airtimeS, joules: messages * link.messageJ + extraS * link.txPowerW };
}

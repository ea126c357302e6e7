import crypto from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import type { EntityManager } from 'typeorm';
import { kyselyOn } from '../db/kysely.js';
import { FIELD_CIPHER } from '../encryption/encryption.service.js';
import { aadFor, type FieldCipher } from '../encryption/field-cipher.js';
import { DeliveryQueue } from './delivery-queue.service.js';
import type { MessageKind, RecipientKind } from './message-kinds.js';

export interface OutboxMessage {
  practiceId: string;
  kind: MessageKind;
  to: { kind: RecipientKind; id: string };
  /** One per event that causes the message: enqueueing the same key twice makes one message. */
  dedupeKey: string;
  /** The client or couple the message is about, for the care team's view of failed deliveries. */
  clientId?: string;
  coupleId?: string;
  /** Small, non-clinical facts the wording needs (counts, the origin links point at). */
  params?: Record<string, string | number>;
  /** A link's token: kept encrypted until the delivery ends, then erased. */
  secret?: string;
  requestedBy?: string;
  /** Not sent before this moment (quiet hours). */
  notBefore?: Date;
}

export const secretAad = (practiceId: string, deliveryId: string) => aadFor('delivery', practiceId, deliveryId, 'secret');

/**
 * The one way a feature sends email: `enqueue(tx, message)` inside the
 * transaction of the event that causes it. The delivery row and its queue job
 * commit with that event or not at all; the worker sends it later, retrying
 * until it succeeds or runs out of tries.
 */
@Injectable()
export class Outbox {
  constructor(
    @Inject(FIELD_CIPHER) private readonly cipher: FieldCipher,
    @Inject(DeliveryQueue) private readonly queue: DeliveryQueue,
  ) {}

  /** Returns the delivery id, or null when this event already made its message. */
  async enqueue(tx: EntityManager, message: OutboxMessage): Promise<string | null> {
    const id = crypto.randomUUID();
    const secret = message.secret ? this.cipher.encrypt(message.secret, secretAad(message.practiceId, id)) : null;
    const rows = await kyselyOn(tx)
      .insertInto('delivery')
      .values({
        practice_id: message.practiceId,
        id,
        dedupe_key: message.dedupeKey,
        message_kind: message.kind,
        recipient_kind: message.to.kind,
        recipient_id: message.to.id,
        client_id: message.clientId ?? null,
        couple_id: message.coupleId ?? null,
        params: JSON.stringify(message.params ?? {}),
        secret_key_id: secret?.keyId ?? null,
        secret_enc: secret?.ciphertext ?? null,
        requested_by: message.requestedBy ?? null,
        not_before: sql`COALESCE(${message.notBefore ?? null}, now())`,
      })
      .onConflict((oc) => oc.columns(['practice_id', 'dedupe_key']).doNothing())
      .returning('id')
      .execute();
    if (rows.length === 0) return null;
    await this.queue.send(tx, { practiceId: message.practiceId, deliveryId: id }, message.notBefore);
    return id;
  }
}

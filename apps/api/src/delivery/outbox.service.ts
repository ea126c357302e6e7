import crypto from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
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
    const rows = (await tx.query(
      `INSERT INTO delivery (practice_id, id, dedupe_key, message_kind, recipient_kind, recipient_id, client_id, couple_id,
                             params, secret_key_id, secret_enc, requested_by, not_before)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, COALESCE($13, now()))
       ON CONFLICT (practice_id, dedupe_key) DO NOTHING RETURNING id`,
      [
        message.practiceId,
        id,
        message.dedupeKey,
        message.kind,
        message.to.kind,
        message.to.id,
        message.clientId ?? null,
        message.coupleId ?? null,
        JSON.stringify(message.params ?? {}),
        secret?.keyId ?? null,
        secret?.ciphertext ?? null,
        message.requestedBy ?? null,
        message.notBefore ?? null,
      ],
    )) as Array<{ id: string }>;
    if (rows.length === 0) return null;
    await this.queue.send(tx, { practiceId: message.practiceId, deliveryId: id }, message.notBefore);
    return id;
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit log: append-only (UPDATE, DELETE and TRUNCATE are refused by
 * triggers) and hash-chained per practice, so that a row changed or removed
 * behind the triggers' back shows up in `audit_verify()`.
 */
export class AuditLog1764000300000 implements MigrationInterface {
  name = 'AuditLog1764000300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_chain_head (
        chain_key uuid PRIMARY KEY,
        seq bigint NOT NULL,
        hash bytea NOT NULL
      )`);
    await q.query(`
      CREATE TABLE audit_event (
        chain_key uuid NOT NULL,
        seq bigint NOT NULL,
        practice_id uuid REFERENCES practice(id),
        occurred_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        actor_kind text NOT NULL CHECK (actor_kind IN ('staff', 'portal', 'system', 'anonymous')),
        actor_id uuid,
        action text NOT NULL CHECK (action ~ '^[a-z_]+\\.[a-z_]+$'),
        record_type text,
        record_id text,
        subject_id uuid,
        request_id text,
        ip inet,
        detail jsonb NOT NULL DEFAULT '{}',
        prev_hash bytea NOT NULL,
        hash bytea NOT NULL,
        PRIMARY KEY (chain_key, seq)
      )`);
    // Pages are read newest first by seq within one practice's chain.
    await q.query(`CREATE INDEX audit_by_time ON audit_event (chain_key, occurred_at)`);
    await q.query(`CREATE INDEX audit_by_actor ON audit_event (chain_key, actor_id, seq)`);
    await q.query(`CREATE INDEX audit_by_subject ON audit_event (chain_key, subject_id, seq)`);
    await q.query(`CREATE INDEX audit_by_action ON audit_event (chain_key, action, seq)`);

    // What each row's hash covers, in one place for the trigger and for verification.
    await q.query(`
      CREATE FUNCTION audit_payload(e audit_event) RETURNS bytea LANGUAGE sql IMMUTABLE AS $$
        SELECT convert_to(concat_ws('|', e.chain_key, e.seq, e.practice_id,
          to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'),
          e.actor_kind, e.actor_id, e.action, e.record_type, e.record_id, e.subject_id,
          e.request_id, host(e.ip), e.detail::text), 'UTF8')
      $$`);
    await q.query(`
      CREATE FUNCTION audit_chain() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE head audit_chain_head;
      BEGIN
        NEW.chain_key := COALESCE(NEW.practice_id, '00000000-0000-0000-0000-000000000000');
        INSERT INTO audit_chain_head (chain_key, seq, hash) VALUES (NEW.chain_key, 0, '\\x00') ON CONFLICT DO NOTHING;
        SELECT * INTO head FROM audit_chain_head WHERE chain_key = NEW.chain_key FOR UPDATE;
        NEW.seq := head.seq + 1;
        NEW.prev_hash := head.hash;
        NEW.hash := sha256(NEW.prev_hash || audit_payload(NEW));
        UPDATE audit_chain_head SET seq = NEW.seq, hash = NEW.hash WHERE chain_key = NEW.chain_key;
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER audit_chain BEFORE INSERT ON audit_event FOR EACH ROW EXECUTE FUNCTION audit_chain()`);
    await q.query(`
      CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'the audit log is append-only' USING ERRCODE = 'restrict_violation';
      END $$`);
    await q.query(`CREATE TRIGGER audit_no_update BEFORE UPDATE OR DELETE ON audit_event FOR EACH ROW EXECUTE FUNCTION audit_append_only()`);
    await q.query(`CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit_event FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()`);
    await q.query(`CREATE TRIGGER audit_head_no_delete BEFORE DELETE OR TRUNCATE ON audit_chain_head FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()`);

    // Every break in a chain: a row whose hash does not match its content, a
    // link to a previous hash that is not the previous row's, a gap in the
    // sequence, or a head that does not match the last row.
    await q.query(`
      CREATE FUNCTION audit_verify() RETURNS TABLE (chain_key uuid, seq bigint, problem text) LANGUAGE sql STABLE AS $$
        WITH ordered AS (
          SELECT e.chain_key, e.seq, e.hash, e.prev_hash, sha256(e.prev_hash || audit_payload(e)) AS recomputed,
                 lag(e.hash) OVER w AS previous_hash, lag(e.seq) OVER w AS previous_seq
            FROM audit_event e WINDOW w AS (PARTITION BY e.chain_key ORDER BY e.seq)
        )
        SELECT chain_key, seq, 'content does not match its hash' FROM ordered WHERE hash <> recomputed
        UNION ALL
        SELECT chain_key, seq, 'does not link to the previous row' FROM ordered
         WHERE prev_hash <> COALESCE(previous_hash, '\\x00'::bytea)
        UNION ALL
        SELECT chain_key, seq, 'rows are missing before this one' FROM ordered WHERE seq <> COALESCE(previous_seq, 0) + 1
        UNION ALL
        SELECT h.chain_key, h.seq, 'rows are missing at the end of the log' FROM audit_chain_head h
         WHERE h.seq <> COALESCE((SELECT max(e.seq) FROM audit_event e WHERE e.chain_key = h.chain_key), 0)
        ORDER BY 1, 2
      $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION audit_verify`);
    await q.query(`DROP TABLE audit_event`);
    await q.query(`DROP TABLE audit_chain_head`);
    await q.query(`DROP FUNCTION audit_chain`);
    await q.query(`DROP FUNCTION audit_append_only`);
    await q.query(`DROP FUNCTION audit_payload`);
  }
}

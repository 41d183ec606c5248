-- Personal data under PIPL (个人信息保护法): one data key per data subject, held apart from the
-- events. Personal fields in events are encrypted with the subject's key (AES-256-GCM); the key
-- itself is stored wrapped by the key-encryption key (PERSONAL_DATA_KEK). Erasing a subject
-- (Art. 47) deletes its key: every stored event, Kafka record and read-model copy of its fields
-- can no longer be opened, and nothing else changes. The row stays as the tombstone of the
-- erasure (when, by whom, on which legal basis), holding no personal data.
CREATE TABLE IF NOT EXISTS personal_data_keys (
  subject_id uuid PRIMARY KEY,
  wrapped_key bytea,
  key_version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  erased_at timestamptz,
  erased_by text,
  legal_basis text,
  CHECK ((wrapped_key IS NULL) = (erased_at IS NOT NULL))
);

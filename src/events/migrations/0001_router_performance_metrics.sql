-- Routing decisions, one row per routing event (routing-event.schema.json, schema_version 1).
-- The CHECK constraints repeat the event's ranges so that rows written by anything other than
-- agentmeter (a hand-written INSERT, another writer) obey them too.
CREATE TABLE router_performance_metrics (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_id uuid NOT NULL,
  schema_version smallint NOT NULL CHECK (schema_version >= 1),
  correlation_id uuid NOT NULL,
  query_text text NOT NULL,
  routing_duration_ms smallint NOT NULL CHECK (routing_duration_ms BETWEEN 0 AND 999),
  cache_hit boolean NOT NULL,
  candidates_evaluated integer NOT NULL CHECK (candidates_evaluated >= 0),
  match_strategy text,
  confidence_components jsonb CHECK (
    confidence_components IS NULL
    OR (
      jsonb_typeof(confidence_components) = 'object'
      -- every score is a number from 0 to 1
      AND NOT jsonb_path_exists(confidence_components, '$.* ? (@.type() != "number" || @ < 0 || @ > 1)')
    )
  ),
  selected_agent text,
  "timestamp" timestamptz NOT NULL,
  service_name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  -- Idempotent writes: the writer inserts with ON CONFLICT (event_id) DO NOTHING.
  CONSTRAINT router_performance_metrics_event_id_key UNIQUE (event_id)
);

CREATE INDEX router_performance_metrics_timestamp_idx ON router_performance_metrics ("timestamp");
CREATE INDEX router_performance_metrics_correlation_id_idx ON router_performance_metrics (correlation_id);

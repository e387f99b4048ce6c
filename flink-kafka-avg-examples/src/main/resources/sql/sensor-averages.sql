-- Sliding averages per sensor, from JSON readings in Kafka to an upsert-kafka topic, computed by the library's
-- SLIDING_AVERAGE process table function. Every record is accounted for: a reading is averaged, a late reading goes
-- to a topic of late readings, and anything else to a dead-letter topic, each as it came.
-- SqlAverageJob runs it (docs/sql.md), filling in each ${name} first.

-- The function's JAR (flink-kafka-avg-sql-VERSION-udf.jar) is on the class path; else add USING JAR '<path>'.
CREATE TEMPORARY FUNCTION SLIDING_AVERAGE AS 'io.github.flinkkafkaavg.sql.SlidingAverageFunction';

-- Each record as its text, {"sensorId":"sensor-3","value":21.37,"timestamp":1764070000000} when it is a reading.
-- Not 'format' = 'json': that fails the job on a malformed record, or with ignore-parse-errors drops it unseen; and
-- TRY_CAST, not JSON_VALUE(... RETURNING DOUBLE), which in Flink 2.2 fails the job on a value that is text.
-- The time attribute ts is the reading's time when it has one after 0001-01-01 and no more than ${max_future_ms} ms
-- ahead of this machine's clock; anything else gets 0001-01-01, which cannot move the watermark, and goes to the
-- dead letters. (One record a year ahead would push the watermark a year ahead and make every later reading late;
-- one at the low end of BIGINT would overflow the watermark's subtraction.)
CREATE TABLE raw_readings (
  line STRING,
  sensorId AS JSON_VALUE(line, '$.sensorId'),
  `value` AS TRY_CAST(JSON_VALUE(line, '$.value') AS DOUBLE),
  ts AS TO_TIMESTAMP_LTZ(COALESCE(CASE
      WHEN TRY_CAST(JSON_VALUE(line, '$.timestamp') AS BIGINT)
          BETWEEN -62135596799999 AND UNIX_TIMESTAMP() * 1000 + ${max_future_ms}
      THEN TRY_CAST(JSON_VALUE(line, '$.timestamp') AS BIGINT) END, -62135596800000), 3),
  WATERMARK FOR ts AS ts - INTERVAL '${max_disorder_seconds}' SECOND
) WITH (
  'connector' = 'kafka',
  'topic' = '${input_topic}',
  'properties.bootstrap.servers' = '${bootstrap_servers}',
  'properties.group.id' = '${group_id}',
  'scan.startup.mode' = 'earliest-offset',
  'scan.bounded.mode' = '${bounded_mode}',
  'format' = 'raw'
);

-- What each record is. Late: at or behind the watermark, which Flink 2.2 drops before a process table function
-- sees it, without a trace; here it is routed to its own topic instead.
CREATE TEMPORARY VIEW classified AS
SELECT line, sensorId, `value`, ts,
  CASE
    WHEN sensorId IS NULL OR `value` IS NULL OR ts = TO_TIMESTAMP_LTZ(-62135596800000, 3) THEN 'dead letter'
    WHEN ts <= CURRENT_WATERMARK(ts) THEN 'late'
    ELSE 'reading'
  END AS kind
FROM raw_readings;

CREATE TEMPORARY VIEW readings AS
SELECT sensorId, `value`, ts FROM classified WHERE kind = 'reading';

-- One row per sensor and window: the Kafka key is the primary key, so a compacted topic keeps the latest row of
-- each window, and a row written twice (the sink is at-least-once) replaces itself.
CREATE TABLE sensor_averages (
  sensorId STRING,
  window_start TIMESTAMP_LTZ(3),
  window_end TIMESTAMP_LTZ(3),
  `avg` DOUBLE,
  cnt BIGINT,
  `sum` DOUBLE,
  `min` DOUBLE,
  `max` DOUBLE,
  PRIMARY KEY (sensorId, window_start, window_end) NOT ENFORCED
) WITH (
  'connector' = 'upsert-kafka',
  'topic' = '${output_topic}',
  'properties.bootstrap.servers' = '${bootstrap_servers}',
  'key.format' = 'json',
  'key.json.timestamp-format.standard' = 'ISO-8601',
  'value.format' = 'json',
  'value.json.timestamp-format.standard' = 'ISO-8601'
);

CREATE TABLE dead_letters (line STRING) WITH (
  'connector' = 'kafka',
  'topic' = '${dead_letter_topic}',
  'properties.bootstrap.servers' = '${bootstrap_servers}',
  'format' = 'raw'
);

CREATE TABLE late_readings (line STRING) WITH (
  'connector' = 'kafka',
  'topic' = '${late_topic}',
  'properties.bootstrap.servers' = '${bootstrap_servers}',
  'format' = 'raw'
);

EXECUTE STATEMENT SET BEGIN

INSERT INTO sensor_averages
SELECT sensorId, window_start, window_end, `avg`, cnt, `sum`, `min`, `max`
FROM SLIDING_AVERAGE(
  input => TABLE readings PARTITION BY sensorId,
  on_time => DESCRIPTOR(ts),
  value_column => DESCRIPTOR(`value`),
  size => '${window}',
  slide => '${slide}',
  uid => 'sensor-averages');

INSERT INTO dead_letters SELECT line FROM classified WHERE kind = 'dead letter';

INSERT INTO late_readings SELECT line FROM classified WHERE kind = 'late';

END;

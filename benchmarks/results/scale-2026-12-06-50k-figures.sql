WITH a AS (
  SELECT a.trial_id, a.silo, a.started_at, a.ended_at,
         lag(a.ended_at) OVER (PARTITION BY a.silo ORDER BY a.started_at) AS prev_end
  FROM trial_attempts a),
one AS (SELECT trial_id FROM trial_attempts GROUP BY trial_id HAVING count(*) = 1),
w AS (SELECT trial_id, sum(wall_seconds) AS train FROM epoch_metrics GROUP BY trial_id),
b AS (
  SELECT extract(epoch FROM (a.ended_at - a.prev_end)) * 1000 - w.train * 1000 AS bk_ms,
         extract(epoch FROM (a.started_at - a.prev_end)) * 1000 AS turn_ms,
         extract(epoch FROM (a.ended_at - a.started_at)) * 1000 - w.train * 1000 AS over_ms
  FROM a JOIN one USING (trial_id) JOIN w USING (trial_id) JOIN trials t ON t.id = a.trial_id
  WHERE a.prev_end IS NOT NULL AND t.status = 'completed' AND a.ended_at IS NOT NULL)
SELECT count(*),
       round(percentile_disc(0.5) WITHIN GROUP (ORDER BY bk_ms)::numeric, 1) AS bk_p50,
       round(percentile_disc(0.99) WITHIN GROUP (ORDER BY bk_ms)::numeric, 1) AS bk_p99,
       round(percentile_disc(0.5) WITHIN GROUP (ORDER BY turn_ms)::numeric, 1) AS turn_p50,
       round(percentile_disc(0.99) WITHIN GROUP (ORDER BY turn_ms)::numeric, 1) AS turn_p99,
       round(percentile_disc(0.5) WITHIN GROUP (ORDER BY over_ms)::numeric, 1) AS over_p50,
       round(percentile_disc(0.99) WITHIN GROUP (ORDER BY over_ms)::numeric, 1) AS over_p99
FROM b;

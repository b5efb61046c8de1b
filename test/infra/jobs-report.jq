# The answers of `agentmeter jobs --json`, computed by jq alone from the same metrics.jsonl files
# (test/infra/jobs-jq.ts runs it): jq -n -R --argjson top N --argjson max BYTES --argjson jobs
# '["job-a",...]' -f jobs-report.jq <dir>/*/metrics.jsonl. Each raw line is classified as
# src/jobs/report.ts documents it; sums add in file order, then in job order.

def nullable_string: . == null or type == "string";
def duration: type == "number" and . >= 0;

def classify:
  if utf8bytelength > $max then {k: "malformed"}
  elif test("^\\s*$") then {k: "ignored"}
  else
    (try {v: fromjson} catch null) as $p
    | if $p == null or ($p.v | type) != "object" then {k: "malformed"}
      else $p.v as $o
      | if $o.event == "tool_call" then
          if ($o.tool | type) == "string" and ($o.duration_ms | duration) and ($o.success | type) == "boolean" and ($o.error | nullable_string)
          then {k: "tool", tool: $o.tool, ms: $o.duration_ms, ok: $o.success, error: $o.error}
          else {k: "malformed"} end
        elif $o.event == "llm_call" then
          if ($o.provider | type) == "string" and ($o.model | type) == "string" and ($o.phase | nullable_string)
             and ($o.duration_ms | duration) and ($o.success | type) == "boolean" and ($o.error | nullable_string)
          then {k: "llm", provider: $o.provider, model: $o.model, phase: $o.phase, ms: $o.duration_ms, ok: $o.success, error: $o.error}
          else {k: "malformed"} end
        else {k: "ignored"} end
      end
  end;

def total(f): reduce .[] as $x (0; . + ($x | f));
def count_of(k): map(select(.k == k)) | length;

def job_row($name; $classified):
  ($classified | to_entries | map(.value + {line: (.key + 1)})) as $lines
  | ($lines | map(select(.k == "llm")
      | {job: $name, line, provider, model, phase, duration_ms: .ms, success: .ok, error})) as $llm
  | ($lines | map(select(.k == "tool"))) as $tools
  | ($tools | map(select(.ok | not))) as $failed
  | {
      job: $name,
      llm_calls: ($llm | length),
      llm_ms: ($llm | total(.duration_ms)),
      slowest_llm: ($llm | sort_by([-.duration_ms, .line]) | .[0]),
      tool_calls: ($tools | length),
      failed_tool_calls: ($failed | length),
      tools: ($tools | group_by(.tool)
        | map({tool: .[0].tool, calls: length, failed: map(select(.ok | not)) | length, total_ms: total(.ms)})
        | sort_by([-.calls, .tool])),
      failed_tools: ($failed | group_by([.tool, .error])
        | map({tool: .[0].tool, error: .[0].error, count: length})
        | sort_by([-.count, .tool, .error])),
      _llm: $llm,
      _lines: {
        read: ($lines | length),
        used: (($lines | count_of("tool")) + ($lines | count_of("llm"))),
        ignored: ($lines | count_of("ignored")),
        malformed: ($lines | count_of("malformed"))
      }
    };

[inputs | {job: (input_filename | split("/") | .[-2]), c: classify}]
| (group_by(.job) | map({key: .[0].job, value: map(.c)}) | from_entries) as $by_job
| ($jobs | sort | map(job_row(.; $by_job[.] // []))) as $rows
| {
    totals: {
      jobs: ($rows | length),
      llm_calls: ($rows | total(.llm_calls)),
      llm_ms: ($rows | total(.llm_ms)),
      tool_calls: ($rows | total(.tool_calls)),
      failed_tool_calls: ($rows | total(.failed_tool_calls))
    },
    slowest_llm_calls: ([$rows[]._llm[]] | sort_by([-.duration_ms, .job, .line]) | .[0:$top]),
    tools: ([$rows[].tools[]] | group_by(.tool)
      | map({tool: .[0].tool, calls: total(.calls), failed: total(.failed), total_ms: total(.total_ms)})
      | sort_by([-.calls, .tool])),
    failed_tools: ([$rows[].failed_tools[]] | group_by([.tool, .error])
      | map({tool: .[0].tool, error: .[0].error, count: total(.count)})
      | sort_by([-.count, .tool, .error])),
    jobs: ($rows | map(del(._llm, ._lines))),
    lines: {
      read: ($rows | total(._lines.read)),
      used: ($rows | total(._lines.used)),
      ignored: ($rows | total(._lines.ignored)),
      malformed: ($rows | total(._lines.malformed))
    }
  }

//! A realistic page of 100 builds (the shapes of BUILDKITE.md §3.6 and §3.7: four jobs each, a
//! creator, an author, the reduced pipeline, timestamps, meta-data), and the hand-written serde
//! models the generated ones are measured against.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{json, Value};

/// Builds per page: the API's maximum `per_page`.
pub const PER_PAGE: usize = 100;

fn uuid(kind: u32, n: usize) -> String {
    format!("018f{kind:04x}-0a0b-7c0d-8e0f-{n:012x}")
}

fn user(n: usize) -> Value {
    let name = ["Jane Doe", "Rae Smith", "Sam Lee", "Ana Ruiz", "Kim Park", "Lee Chen", "Ola Nord"][n % 7];
    json!({
        "id": uuid(0x1001, n % 7),
        "graphql_id": format!("VXNlci0tLTNkM2MzZjNlLTFiMmEtNGM1ZC04ZTlmLTBhMWIyYzNkNGU1{}", n % 7),
        "name": name,
        "email": format!("dev{}@example.com", n % 7),
        "avatar_url": format!("https://www.gravatar.com/avatar/6c3e1c7f0b1a4d2e9f8a7b6c5d4e3f2{}", n % 7),
        "created_at": "2023-11-02T08:15:00.000Z"
    })
}

fn script_job(build: usize, index: usize, state: &str, finished: bool) -> Value {
    let id = uuid(0x2000 + index as u32, build);
    let api = format!("https://api.buildkite.com/v2/organizations/acme/pipelines/app/builds/{build}");
    let (name, key, command) = [
        (":rspec: Unit tests", "unit", "bundle exec rspec"),
        (":eslint: Lint", "lint", "yarn lint"),
        (":docker: Build image", "image", "scripts/build-image.sh"),
    ][index % 3];
    json!({
        "id": id,
        "graphql_id": format!("Sm9iLS0tMDE4ZjJjMTEtMWIxYy03ZDFlLTlmMTAtMjAyMTIyMjMyNDI1{index}"),
        "type": "script",
        "name": name,
        "step_key": key,
        "priority": { "number": 0 },
        "agent_query_rules": ["queue=default", "os=linux"],
        "state": state,
        "build_url": api,
        "web_url": format!("https://buildkite.com/acme/app/builds/{build}#{id}"),
        "log_url": format!("{api}/jobs/{id}/log"),
        "raw_log_url": format!("{api}/jobs/{id}/log.txt"),
        "artifacts_url": format!("{api}/jobs/{id}/artifacts"),
        "command": command,
        "soft_failed": false,
        "exit_status": if finished { json!(0) } else { Value::Null },
        "artifact_paths": "coverage/**/*",
        "agent": {
            "id": uuid(0x3000, (build + index) % 16),
            "url": format!("https://api.buildkite.com/v2/organizations/acme/agents/{}", uuid(0x3000, (build + index) % 16)),
            "name": format!("ci-agent-{}", (build + index) % 16)
        },
        "created_at": "2024-05-02T08:00:00.500Z",
        "scheduled_at": "2024-05-02T08:00:00.600Z",
        "runnable_at": "2024-05-02T08:00:00.700Z",
        "started_at": "2024-05-02T08:00:02.000Z",
        "finished_at": if finished { json!("2024-05-02T08:03:30.250Z") } else { Value::Null },
        "expired_at": null,
        "retried": false,
        "retried_in_job_id": null,
        "retries_count": null,
        "retry_type": null,
        "parallel_group_index": null,
        "parallel_group_total": null,
        "cluster_id": uuid(0x4000, 1),
        "cluster_queue_id": uuid(0x4001, 1),
        "concurrency_wait_time_ms": 0
    })
}

/// One build, numbered `n`.
pub fn build(n: usize) -> Value {
    let states = ["passed", "failed", "running", "canceled", "passed"];
    let state = states[n % states.len()];
    let finished = state != "running";
    let job_state = if finished { "passed" } else { "running" };
    let author = if n.is_multiple_of(2) {
        json!({ "username": "rsmith", "name": "Rae Smith", "email": "rae@example.com" })
    } else {
        json!("jane@example.com")
    };
    json!({
        "id": uuid(0x0001, n),
        "graphql_id": format!("QnVpbGQtLS0wMThmMmMxMS0wYTBiLTdjMGQtOGUwZi0xMDExMTIxMzE0{n:04}"),
        "url": format!("https://api.buildkite.com/v2/organizations/acme/pipelines/app/builds/{n}"),
        "web_url": format!("https://buildkite.com/acme/app/builds/{n}"),
        "number": n,
        "state": state,
        "blocked": false,
        "cancel_reason": if state == "canceled" { json!("superseded by a newer build") } else { Value::Null },
        "message": format!("Merge pull request #{n} from acme/feature-{n}\n\nTidy the build scripts"),
        "commit": format!("{:040x}", n as u128 * 0x9e37_79b9_7f4a_7c15),
        "branch": if n.is_multiple_of(3) { "main".to_string() } else { format!("feature-{n}") },
        "env": { "DEPLOY": "false" },
        "source": "webhook",
        "creator": user(n),
        "author": author,
        "jobs": [
            script_job(n, 0, job_state, finished),
            script_job(n, 1, job_state, finished),
            { "id": uuid(0x2100, n), "graphql_id": "Sm9iLS0tV2FpdGVy", "type": "waiter", "state": job_state },
            script_job(n, 2, job_state, finished),
        ],
        "created_at": "2024-05-02T08:00:00.500Z",
        "scheduled_at": "2024-05-02T08:00:00.450Z",
        "started_at": "2024-05-02T08:00:02.000Z",
        "failing_at": if state == "failed" { json!("2024-05-02T08:02:00.000Z") } else { Value::Null },
        "finished_at": if finished { json!("2024-05-02T08:03:30.250Z") } else { Value::Null },
        "meta_data": { "release": format!("1.2.{n}"), "deployer": "bk" },
        "pull_request": { "id": n.to_string(), "base": "main", "repository": "git@github.com:acme/app.git" },
        "merge_queue": null,
        "rebuilt_from": null,
        "pipeline": {
            "id": uuid(0x5000, 1),
            "url": "https://api.buildkite.com/v2/organizations/acme/pipelines/app",
            "name": "App",
            "slug": "app",
            "repository": "git@github.com:acme/app.git",
            "provider": { "id": "github", "webhook_url": "" },
            "created_at": "2023-06-15 09:30:00 UTC"
        }
    })
}

/// A page of `PER_PAGE` builds as compact JSON, numbered from `first` down.
pub fn page_json(first: usize) -> Vec<u8> {
    let builds: Vec<Value> = (0..PER_PAGE).map(|i| build(first - i)).collect();
    serde_json::to_vec(&builds).expect("a page serializes")
}

/// Hand-written models with the same fields and the same types (UUIDs, timestamps, enums,
/// maps): what a careful hand-written client would decode into. The legacy `YYYY-MM-DD HH:MM:SS
/// UTC` timestamp of the embedded pipeline stays a string, as chrono does not read it.
pub mod typed {
    use super::*;

    pub type Time = chrono::DateTime<chrono::Utc>;

    #[derive(Debug, Deserialize, PartialEq, Eq)]
    #[serde(rename_all = "snake_case")]
    pub enum State {
        Creating,
        Scheduled,
        Running,
        Passed,
        Failed,
        Failing,
        Blocked,
        Canceled,
        Canceling,
        Skipped,
        NotRun,
        Finished,
        Waiting,
        WaitingFailed,
        Assigned,
        Accepted,
        Broken,
        TimedOut,
        #[serde(other)]
        Unknown,
    }

    #[derive(Debug, Deserialize)]
    pub struct User {
        pub id: uuid::Uuid,
        pub graphql_id: Option<String>,
        pub name: String,
        pub email: Option<String>,
        pub avatar_url: Option<String>,
        pub created_at: Option<Time>,
    }

    #[derive(Debug, Deserialize)]
    pub struct Author {
        pub username: Option<String>,
        pub name: Option<String>,
        pub email: Option<String>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(untagged)]
    pub enum AuthorOrEmail {
        Author(Author),
        Email(String),
    }

    #[derive(Debug, Deserialize)]
    pub struct Priority {
        pub number: Option<i64>,
    }

    #[derive(Debug, Deserialize)]
    pub struct Agent {
        pub id: uuid::Uuid,
        pub url: Option<String>,
        pub name: Option<String>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum JobType {
        Script,
        Waiter,
        Manual,
        Trigger,
        #[serde(other)]
        Unknown,
    }

    #[derive(Debug, Deserialize)]
    pub struct Job<P = ()> {
        pub id: uuid::Uuid,
        pub graphql_id: Option<String>,
        pub r#type: JobType,
        pub name: Option<String>,
        pub step_key: Option<String>,
        pub priority: Option<Priority>,
        pub agent_query_rules: Option<Vec<String>>,
        pub state: State,
        pub build_url: Option<String>,
        pub web_url: Option<String>,
        pub log_url: Option<String>,
        pub raw_log_url: Option<String>,
        pub artifacts_url: Option<String>,
        pub command: Option<String>,
        pub soft_failed: Option<bool>,
        pub exit_status: Option<i64>,
        pub artifact_paths: Option<String>,
        pub agent: Option<Agent>,
        pub created_at: Option<Time>,
        pub scheduled_at: Option<Time>,
        pub runnable_at: Option<Time>,
        pub started_at: Option<Time>,
        pub finished_at: Option<Time>,
        pub expired_at: Option<Time>,
        pub retried: Option<bool>,
        pub retried_in_job_id: Option<uuid::Uuid>,
        pub retries_count: Option<i64>,
        pub retry_type: Option<String>,
        pub parallel_group_index: Option<i64>,
        pub parallel_group_total: Option<i64>,
        pub cluster_id: Option<uuid::Uuid>,
        pub cluster_queue_id: Option<uuid::Uuid>,
        pub concurrency_wait_time_ms: Option<i64>,
        /// Never in the JSON: `()`, or room as wide as the generated model's absent fields.
        #[serde(default)]
        pub absent: P,
    }

    #[derive(Debug, Deserialize)]
    pub struct Provider {
        pub id: String,
        pub webhook_url: Option<String>,
    }

    #[derive(Debug, Deserialize)]
    pub struct Pipeline<P = ()> {
        pub id: uuid::Uuid,
        pub url: Option<String>,
        pub name: String,
        pub slug: String,
        pub repository: Option<String>,
        pub provider: Option<Provider>,
        pub created_at: Option<String>,
        #[serde(default)]
        pub absent: P,
    }

    #[derive(Debug, Deserialize)]
    pub struct PullRequest {
        pub id: Option<String>,
        pub base: Option<String>,
        pub repository: Option<String>,
    }

    #[derive(Debug, Deserialize)]
    pub struct MergeQueue {
        pub base_branch: Option<String>,
    }

    #[derive(Debug, Deserialize)]
    pub struct RebuiltFrom {
        pub id: Option<String>,
        pub number: Option<i64>,
        pub url: Option<String>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Source {
        Webhook,
        Api,
        Ui,
        TriggerJob,
        Schedule,
        #[serde(other)]
        Unknown,
    }

    #[derive(Debug, Deserialize)]
    #[serde(bound(deserialize = "B: Deserialize<'de> + Default, J: Deserialize<'de> + Default, \
                                 P: Deserialize<'de> + Default"))]
    pub struct Build<B = (), J = (), P = ()> {
        pub id: uuid::Uuid,
        pub graphql_id: Option<String>,
        pub url: String,
        pub web_url: String,
        pub number: i64,
        pub state: State,
        pub blocked: Option<bool>,
        pub cancel_reason: Option<String>,
        pub message: Option<String>,
        pub commit: String,
        pub branch: String,
        pub env: Option<BTreeMap<String, Value>>,
        pub source: Option<Source>,
        pub creator: Option<User>,
        pub author: Option<AuthorOrEmail>,
        pub jobs: Option<Vec<Job<J>>>,
        pub created_at: Time,
        pub scheduled_at: Option<Time>,
        pub started_at: Option<Time>,
        pub failing_at: Option<Time>,
        pub finished_at: Option<Time>,
        pub meta_data: Option<BTreeMap<String, String>>,
        pub pull_request: Option<PullRequest>,
        pub merge_queue: Option<MergeQueue>,
        pub rebuilt_from: Option<RebuiltFrom>,
        pub pipeline: Option<Pipeline<P>>,
        #[serde(default)]
        pub absent: B,
    }

    /// `n` absent optional strings: 24 bytes each, all `None`, as the generated models' fields
    /// that this page does not carry.
    pub type Absent<const N: usize> = [Option<String>; N];

    /// The same models, padded with absent fields to the width of the generated ones (sizes
    /// printed by the decode benchmark): what decoding costs when every documented field has a
    /// place, as in the generated models.
    pub type WideBuild = Build<Absent<8>, (Absent<32>, Absent<3>), (Absent<32>, Absent<7>)>;
}

/// Hand-written models that keep every field but type nothing: identifiers, timestamps and
/// states stay strings. The floor for decoding the page with all its data.
pub mod strings {
    use super::*;

    #[derive(Debug, Deserialize)]
    pub struct User {
        pub id: String,
        pub graphql_id: Option<String>,
        pub name: String,
        pub email: Option<String>,
        pub avatar_url: Option<String>,
        pub created_at: Option<String>,
    }

    #[derive(Debug, Deserialize)]
    pub struct Agent {
        pub id: String,
        pub url: Option<String>,
        pub name: Option<String>,
    }

    #[derive(Debug, Deserialize)]
    pub struct Priority {
        pub number: Option<i64>,
    }

    #[derive(Debug, Deserialize)]
    pub struct Job {
        pub id: String,
        pub graphql_id: Option<String>,
        pub r#type: String,
        pub name: Option<String>,
        pub step_key: Option<String>,
        pub priority: Option<Priority>,
        pub agent_query_rules: Option<Vec<String>>,
        pub state: String,
        pub build_url: Option<String>,
        pub web_url: Option<String>,
        pub log_url: Option<String>,
        pub raw_log_url: Option<String>,
        pub artifacts_url: Option<String>,
        pub command: Option<String>,
        pub soft_failed: Option<bool>,
        pub exit_status: Option<i64>,
        pub artifact_paths: Option<String>,
        pub agent: Option<Agent>,
        pub created_at: Option<String>,
        pub scheduled_at: Option<String>,
        pub runnable_at: Option<String>,
        pub started_at: Option<String>,
        pub finished_at: Option<String>,
        pub expired_at: Option<String>,
        pub retried: Option<bool>,
        pub retried_in_job_id: Option<String>,
        pub retries_count: Option<i64>,
        pub retry_type: Option<String>,
        pub parallel_group_index: Option<i64>,
        pub parallel_group_total: Option<i64>,
        pub cluster_id: Option<String>,
        pub cluster_queue_id: Option<String>,
        pub concurrency_wait_time_ms: Option<i64>,
    }

    #[derive(Debug, Deserialize)]
    pub struct Provider {
        pub id: String,
        pub webhook_url: Option<String>,
    }

    #[derive(Debug, Deserialize)]
    pub struct Pipeline {
        pub id: String,
        pub url: Option<String>,
        pub name: String,
        pub slug: String,
        pub repository: Option<String>,
        pub provider: Option<Provider>,
        pub created_at: Option<String>,
    }

    #[derive(Debug, Deserialize)]
    pub struct PullRequest {
        pub id: Option<String>,
        pub base: Option<String>,
        pub repository: Option<String>,
    }

    #[derive(Debug, Deserialize)]
    pub struct Build {
        pub id: String,
        pub graphql_id: Option<String>,
        pub url: String,
        pub web_url: String,
        pub number: i64,
        pub state: String,
        pub blocked: Option<bool>,
        pub cancel_reason: Option<String>,
        pub message: Option<String>,
        pub commit: String,
        pub branch: String,
        pub env: Option<BTreeMap<String, Value>>,
        pub source: Option<String>,
        pub creator: Option<User>,
        pub author: Option<Value>,
        pub jobs: Option<Vec<Job>>,
        pub created_at: String,
        pub scheduled_at: Option<String>,
        pub started_at: Option<String>,
        pub failing_at: Option<String>,
        pub finished_at: Option<String>,
        pub meta_data: Option<BTreeMap<String, String>>,
        pub pull_request: Option<PullRequest>,
        pub merge_queue: Option<Value>,
        pub rebuilt_from: Option<Value>,
        pub pipeline: Option<Pipeline>,
    }
}

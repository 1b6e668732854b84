//! The CLI's help texts: one for the tool, one per command.

/// A command of the CLI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// `gencost quote`
    Quote,
    /// `gencost compare`
    Compare,
    /// `gencost usage`
    Usage,
    /// `gencost models`
    Models,
    /// `gencost check-catalog` (and `gencost catalog check`)
    CheckCatalog,
    /// `gencost catalog diff`
    CatalogDiff,
    /// `gencost catalog litellm`
    CatalogLitellm,
    /// `gencost catalog fal`
    CatalogFal,
}

impl Command {
    /// Every command, in the order help lists them.
    pub const ALL: [Command; 8] = [
        Command::Quote,
        Command::Compare,
        Command::Usage,
        Command::Models,
        Command::CheckCatalog,
        Command::CatalogDiff,
        Command::CatalogLitellm,
        Command::CatalogFal,
    ];

    /// The command's name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Command::Quote => "quote",
            Command::Compare => "compare",
            Command::Usage => "usage",
            Command::Models => "models",
            Command::CheckCatalog => "catalog check",
            Command::CatalogDiff => "catalog diff",
            Command::CatalogLitellm => "catalog litellm",
            Command::CatalogFal => "catalog fal",
        }
    }

    /// The command called `name` (`check-catalog` is `catalog check`'s old name).
    pub fn parse(name: &str) -> Option<Command> {
        if name == "check-catalog" {
            return Some(Command::CheckCatalog);
        }
        Command::ALL.into_iter().find(|c| c.name() == name)
    }

    /// The command's usage line.
    pub fn usage(self) -> &'static str {
        match self {
            Command::Quote => "gencost quote [--catalog FILE] [--json | --format text|json|csv|markdown] <share URL or query string>",
            Command::Compare => {
                "gencost compare [--catalog FILE] [--json] [--step N] <share URL or query string>"
            }
            Command::Usage => "gencost usage [--catalog FILE] [--json] FILE",
            Command::Models => "gencost models [--catalog FILE] [--json]",
            Command::CheckCatalog => {
                "gencost catalog check FILE   (also: gencost check-catalog FILE)"
            }
            Command::CatalogDiff => "gencost catalog diff OLD NEW [--json]",
            Command::CatalogLitellm => "gencost catalog litellm FILE",
            Command::CatalogFal => "gencost catalog fal [--key KEY] [--api URL] [ENDPOINT_ID ...]",
        }
    }

    /// The command's own help.
    pub fn help(self) -> String {
        let body = match self {
            Command::Quote => QUOTE,
            Command::Compare => COMPARE,
            Command::Usage => USAGE,
            Command::Models => MODELS,
            Command::CheckCatalog => CHECK_CATALOG,
            Command::CatalogDiff => CATALOG_DIFF,
            Command::CatalogLitellm => CATALOG_LITELLM,
            Command::CatalogFal => CATALOG_FAL,
        };
        format!("usage: {}\n\n{body}", self.usage())
    }
}

const QUOTE: &str = "Quotes a scenario: the cost of one generation of each step with its line items, the
retry maths, the cost per accepted output and per user action, actions per $1 and the monthly
spend, with the arithmetic of every figure.

The scenario is a share link of the calculator or its query string (quote it in the shell):
  model, w, h, sec, n, retry, max, fallback, failover, actions, any option of the model, and
  s2. to s20. before the keys of workflow steps 2 to 20.
Plans side by side: plan 1 is the unprefixed keys, plans 2 to 4 put p2. to p4. before theirs
(p2.model, p2.s2.n); name and p2.name name them; mix and p2.mix give each plan's percent of user
actions (all of them or none; they add up to 100) for the blended cost per action and monthly
spend. Each plan and step gets its budget percentiles: the cost that covers 50, 90, 95 and 99 %
of user actions, from the exact distribution of attempts.

options:
  --catalog FILE  a gencost catalog or a fal pricing-API response instead of the built-in one
  --json          the quote as JSON, every amount a decimal string at full precision
  --format F      text (default), json (= --json), csv (plan,step,model,item,quantity,
                  billable_quantity,unit_price,amount; a `cost per action` row per plan) or
                  markdown (a table for a design doc)

examples:
  gencost quote 'model=fal-ai/flux/dev&w=1024&h=768&retry=20'
  gencost quote --json 'model=fal-ai/veo3&sec=8&audio=on&s2.model=fal-ai/flux/schnell&s2.n=4&actions=10000'";

const COMPARE: &str =
    "Ranks every model of the same kind that can do a step's job by expected cost per
action, with the ratio to the step's model. The step's options carry over: a size the model
cannot make moves to the nearest at the same aspect ratio, a duration to the nearest allowed
that is not shorter, a resolution to the nearest tier not lower; a job with audio needs a model
that makes audio; n, retry and max stay (the fallback does not). Models that cannot do the job
are listed apart with the reason.

options:
  --catalog FILE  a gencost catalog or a fal pricing-API response instead of the built-in one
  --step N        the step to compare (default 1)
  --json          {\"step\",\"model\",\"alternatives\":[{\"model\",\"name\",\"provider\",
                  \"cost_per_generation\",\"expected_cost_per_action\",\"ratio\",\"options\",
                  \"adjusted\"}],\"incompatible\":[{\"model\",\"reason\"}]}

example:
  gencost compare 'model=fal-ai/veo3&sec=8&audio=on&retry=20'";

const USAGE: &str = "Reads a log of generations (JSON Lines or CSV, one generation a line) and reports, per
model, generations, accepted, the observed rejection rate with its 95 % interval (Wilson), the
catalog's cost of those generations, the billed cost where the log has it, the drift between them
and the cost per accepted output; per user action the count, mean and observed p50/p90/p95/p99;
and the share link of the scenario that reproduces the log.

A line: model (catalog id); its options (an `options` object in JSON Lines, more columns in CSV);
accepted (true/false, default true); action (the user action); cost (USD billed); billable_units
(fal's x-fal-billable-units, priced at the catalog's unit price); time (RFC 3339). A line that
cannot be read is skipped and reported with its number; exit 2 only when no line could be read.
The file is streamed: memory does not grow with its length.

options:
  --catalog FILE  a gencost catalog or a fal pricing-API response instead of the built-in one
  --json          {\"lines\",\"skipped\":[{\"line\",\"reason\"}],\"skipped_total\",\"models\":[{\"model\",
                  \"generations\",\"accepted\",\"rejection_rate\",\"rejection_rate_95\",\"catalog_cost\",
                  \"billed_cost\",\"drift_percent\",\"cost_per_accepted_output\"}],\"actions\":{\"count\",
                  \"mean\",\"p50\",\"p90\",\"p95\",\"p99\"}|null,\"scenario\"}

example line:
  {\"model\":\"fal-ai/flux/dev\",\"options\":{\"w\":1024,\"h\":768},\"accepted\":false,\"action\":\"a1\",\"cost\":\"0.025\"}";

const MODELS: &str =
    "Lists every model of the catalog with its kind and its billing rule in one line.

options:
  --catalog FILE  a gencost catalog or a fal pricing-API response instead of the built-in one
  --json          the list as JSON: id, name, provider, kind, rule, options, source, verified";

const CHECK_CATALOG: &str =
    "Checks a catalog file (gencost format or a fal pricing-API response) and prints
every problem, each naming the model and the field; `ok: N models` when there is none.";

const CATALOG_DIFF: &str = "What changed between two catalogs (gencost format or fal pricing-API responses): per model
and line, the old price, the new price and the change in percent; the models added and removed.

options:
  --json  {\"changed\":[{\"model\",\"what\",\"old\",\"new\",\"change_percent\"}],\"added\":[..],\"removed\":[..]}";

const CATALOG_LITELLM: &str = "Turns the image, video and audio entries of LiteLLM's cost map
(model_prices_and_context_window.json; its PyPI package ships it as
litellm/model_prices_and_context_window_backup.json) into a gencost catalog on stdout:
output_cost_per_image, input/output_cost_per_pixel (w x h exactly, no megapixel rounding),
output_cost_per_second(_<resolution>) and output_cost_per_video_per_second,
input_cost_per_character, input_cost_per_second (transcription), output_cost_per_image_token.
Ids stay LiteLLM's keys; each note says how LiteLLM bills the model. Entries that cannot be mapped
are listed on stderr with the reason, never priced $0.";

const CATALOG_FAL: &str =
    "Reads fal's pricing API (GET {api}/v1/models/pricing?endpoint_id=..., 50 ids a request,
following next_cursor while has_more) and writes a gencost catalog to stdout. With no ids, every
fal model of the default catalog. A model the default catalog knows keeps its rule with the new
unit price; a unit that no longer matches the rule is reported on stderr, not guessed. Others get
the unit-mapped rule, or \"price unknown\" with the reason.

options:
  --key KEY  fal's API key (or the FAL_KEY environment variable)
  --api URL  default https://api.fal.ai

Exit 2 with \"fal refused the key\" on 401/403; 429 and 5xx are retried (Retry-After honoured,
at most 3 tries) before exit 2; each try times out after 30 s.";

/// The tool's help.
pub fn general() -> String {
    let usages: Vec<String> = Command::ALL
        .iter()
        .map(|c| format!("  {}", c.usage()))
        .collect();
    format!(
        "gencost {}: what will this cost us? Exact costs of image, video and audio model APIs.

usage:
{}
  gencost help [COMMAND]
  gencost --version

examples:
  gencost quote 'model=fal-ai/flux/dev&w=1024&h=768&retry=20'
  gencost quote --json 'model=fal-ai/veo3&sec=8&audio=on&n=1&s2.model=fal-ai/flux/schnell&s2.n=4&actions=10000'

--catalog takes a gencost catalog (www/catalog.schema.json) or a fal pricing-API response.
Exit status: 0 ok, 2 bad input (one line on stderr).",
        env!("CARGO_PKG_VERSION"),
        usages.join("\n")
    )
}

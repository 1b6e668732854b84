//! The share-URL vocabulary, in one place: the key names people's links depend on, the page's
//! own keys, the step-prefix rule and the limits. The codec, the catalog's reserved names, the
//! form's labels, the embed snippet, the CLI and the tests all read them from here.

/// A share-URL key that is not a model option.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Key {
    /// `model`: the catalog id of the step's model.
    Model,
    /// `n`: accepted outputs per action.
    N,
    /// `retry`: rejection rate in percent.
    Retry,
    /// `max`: attempts per output.
    Max,
    /// `fallback`: a model serving a share of the generations.
    Fallback,
    /// `failover`: the percent of generations the fallback serves.
    Failover,
    /// `actions`: user actions per month (the whole scenario's, never a step's).
    Actions,
    /// `catalog`: (page) the URL of a catalog to load.
    Catalog,
    /// `embed`: (page) `1` for the compact framed calculator.
    Embed,
    /// `name`: a plan's name (`Free`, `Paid`); `p2.name` for plan 2.
    Name,
    /// `mix`: the percent of user actions a plan serves; `p2.mix` for plan 2.
    Mix,
}

/// The keys of a step that are not model options, in the order links write them.
pub const STEP_KEYS: [Key; 6] = [
    Key::Model,
    Key::N,
    Key::Retry,
    Key::Max,
    Key::Fallback,
    Key::Failover,
];

/// The keys that belong to the page, not the scenario: kept in the URL, never an error.
pub const PAGE_KEYS: [Key; 2] = [Key::Catalog, Key::Embed];

/// Options written first, in this order, so links read naturally (`model=..&w=..&h=..`).
pub const FIRST_OPTIONS: [&str; 3] = ["w", "h", "sec"];

/// The standard option names and how the page labels them.
pub const STANDARD_OPTIONS: [(&str, &str); 22] = [
    ("w", "Width"),
    ("h", "Height"),
    ("sec", "Duration"),
    ("audio", "Audio"),
    ("resolution", "Resolution"),
    ("quality", "Quality"),
    ("frames", "Frames"),
    ("chars", "Characters"),
    ("gpu_s", "Expected GPU seconds"),
    ("gpus", "GPUs"),
    ("in_w", "Input image width"),
    ("in_h", "Input image height"),
    ("in_sec", "Seconds of input video"),
    ("in_images", "Input images"),
    ("in_video", "Video given as input"),
    ("speed", "Speed"),
    ("expand", "Prompt expansion"),
    ("web_search", "Web search"),
    ("style", "Style"),
    ("fps", "Frames per second"),
    ("aspect", "Aspect ratio"),
    ("steps", "Sampling steps"),
];

/// The attributes `<gencost-calculator>` takes for one step (README, "Embed the calculator"):
/// the step's keys, `actions`, `catalog` and the standard options. Any other option of a model
/// goes into its `query` attribute. `www/embed.js` reads every other attribute as a scenario
/// key; a test holds the two together.
/// `style` is not among them: it is an HTML attribute of every element, so Recraft's
/// `style=vector` travels in `query`.
pub const ELEMENT_ATTRIBUTES: [&str; 29] = [
    "model",
    "w",
    "h",
    "sec",
    "n",
    "retry",
    "max",
    "fallback",
    "failover",
    "actions",
    "catalog",
    "audio",
    "resolution",
    "quality",
    "frames",
    "chars",
    "gpu_s",
    "gpus",
    "in_w",
    "in_h",
    "in_sec",
    "in_images",
    "in_video",
    "speed",
    "expand",
    "web_search",
    "fps",
    "aspect",
    "steps",
];

/// Most plans a link may compare (`p2.` to `p4.`).
pub const MAX_PLANS: usize = 4;
/// Most steps a scenario may have (`s2.` to `s20.`).
pub const MAX_STEPS: usize = 20;
/// Most accepted outputs one step may need per action.
pub const MAX_N: u32 = 100_000;
/// Most attempts per output a cap may allow.
pub const MAX_ATTEMPTS: u32 = 1_000;
/// Most user actions a month.
pub const MAX_ACTIONS: u32 = 1_000_000_000;

impl Key {
    /// The key as a link writes it.
    pub const fn name(self) -> &'static str {
        match self {
            Key::Model => "model",
            Key::N => "n",
            Key::Retry => "retry",
            Key::Max => "max",
            Key::Fallback => "fallback",
            Key::Failover => "failover",
            Key::Actions => "actions",
            Key::Catalog => "catalog",
            Key::Embed => "embed",
            Key::Name => "name",
            Key::Mix => "mix",
        }
    }

    /// The step key called `name`, if it is one (not an option).
    pub fn of_step(name: &str) -> Option<Key> {
        STEP_KEYS.into_iter().find(|k| k.name() == name)
    }

    /// The page key called `name`, if it is one.
    pub fn of_page(name: &str) -> Option<Key> {
        PAGE_KEYS.into_iter().find(|k| k.name() == name)
    }
}

/// The keys of a plan that are not a step's: its name and its share of user actions.
pub const PLAN_KEYS: [Key; 2] = [Key::Name, Key::Mix];

/// True for a name no catalog option may take: a step key, a plan key or `actions`.
pub fn is_reserved(name: &str) -> bool {
    Key::of_step(name).is_some()
        || PLAN_KEYS.iter().any(|k| k.name() == name)
        || name == Key::Actions.name()
}

/// The page's label of an option (`Duration`), or its name made readable.
pub fn option_label(name: &str) -> String {
    STANDARD_OPTIONS
        .iter()
        .find(|(n, _)| *n == name)
        .map_or_else(|| name.replace('_', " "), |(_, label)| label.to_string())
}

/// A numbered prefix (`s3.`, `p2.`) for the item at `index` (0-based); the first has none.
fn prefix(letter: char, index: usize) -> String {
    if index == 0 {
        String::new()
    } else {
        format!("{letter}{}.", index.saturating_add(1))
    }
}

/// The item (0-based) a key's numbered prefix names, and the key without it; the first item has
/// no prefix. `None` for a prefix that cannot be: `1`, `0`, past `max`, a leading zero.
fn split_prefix(key: &str, letter: char, max: usize) -> Option<(usize, &str)> {
    if let Some((num, rest)) = key.strip_prefix(letter).and_then(|r| r.split_once('.')) {
        if !num.is_empty() && num.chars().all(|c| c.is_ascii_digit()) {
            return match num.parse::<usize>() {
                Ok(n) if (2..=max).contains(&n) && !num.starts_with('0') => {
                    Some((n.saturating_sub(1), rest))
                }
                _ => None,
            };
        }
    }
    Some((0, key))
}

/// The share-URL prefix of the step at `index` (0-based): `""`, `s2.`, `s3.`...
pub fn step_prefix(index: usize) -> String {
    prefix('s', index)
}

/// The step a share-URL key belongs to and its name without prefix: `s3.sec` -> (2, `sec`),
/// `sec` -> (0, `sec`); `None` for a step prefix that cannot be (`s1.`, `s0.`, `s21.`, `s02.`).
pub fn split_step_key(key: &str) -> Option<(usize, &str)> {
    split_prefix(key, 's', MAX_STEPS)
}

/// The share-URL prefix of the plan at `index` (0-based): `""`, `p2.`, `p3.`, `p4.`.
pub fn plan_prefix(index: usize) -> String {
    prefix('p', index)
}

/// The plan a share-URL key belongs to and the key without its plan prefix: `p2.s3.sec` ->
/// (1, `s3.sec`), `sec` -> (0, `sec`); `None` for a plan prefix that cannot be (`p1.`, `p5.`,
/// `p02.`).
pub fn split_plan_key(key: &str) -> Option<(usize, &str)> {
    split_prefix(key, 'p', MAX_PLANS)
}

/// What a plan prefix may be, for messages.
pub fn plan_prefix_rule() -> String {
    format!("plan prefixes p2. to p{MAX_PLANS}. (plan 1 has no prefix)")
}

/// What a step prefix may be, for messages.
pub fn prefix_rule() -> String {
    format!("step prefixes s2. to s{MAX_STEPS}. (step 1 has no prefix)")
}

/// The keys a link may hold, for messages.
pub fn keys_rule() -> String {
    format!(
        "model, w, h, sec, n, retry, max, fallback, failover, actions, name, mix, s2. to s{MAX_STEPS}. and p2. to p{MAX_PLANS}. prefixes, or an option of the model"
    )
}

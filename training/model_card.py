"""The model card written beside every model (Model Cards / Hugging Face sections), from the model's
own metrics: nothing in it is typed by hand."""

from __future__ import annotations

import json

from signals.model.conversation import describe_length_points
from signals.model.targets import precision_targets


def _f(value, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _table(metrics: dict, key: str) -> str:
    if key not in metrics:
        return f"_{key}: not available_\n"
    block = metrics[key]
    rows = ["| category | precision | recall | F1 | PR-AUC | support |", "| --- | --- | --- | --- | --- | --- |"]
    for category, v in block["categories"].items():
        rows.append(f"| {category} | {_f(v.get('precision'))} | {_f(v.get('recall'))} | {_f(v.get('f1'))} | "
                    f"{_f(v.get('pr_auc'))} | {v['support']} |")
    rates = [f"{name.replace('flag_rate_', '').replace('_', ' ')} {_f(block[name])}"
             for name in ("flag_rate_hard_negative", "flag_rate_benign", "flag_rate_negatives") if block.get(name) is not None]
    by_type = block.get("flag_rate_by_negative_type") or {}
    lines = "\n".join(rows) + "\n"
    if rates:
        lines += "\nFlagged: " + ", ".join(rates) + ".\n"
    if by_type:
        lines += "Flagged negatives by type: " + ", ".join(f"{k} {_f(v)}" for k, v in sorted(by_type.items())) + ".\n"
    registers = block.get("registers") or {}
    if registers:
        lines += ("\n| register | recall (any category) | negatives flagged |\n| --- | --- | --- |\n"
                  + "\n".join(f"| {name} | {_f(r.get('recall_any'))} | {_f(r.get('flag_rate_negatives'))} |"
                              for name, r in sorted(registers.items())) + "\n")
    return lines


def _conversations(metrics: dict) -> str:
    names = {"dev_conversations": "dev, short hand-written", "dev_long_conversations": "dev, long hand-written",
             "dev_long_threads": "dev, small talk with written pieces inside"}
    rows = ["| set | n | precision | recall | F1 | ROC-AUC | benign flagged | right suspect |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    buckets = []
    for key, name in names.items():
        m = metrics.get(key)
        if not m:
            continue
        rows.append(f"| {name} | {m['n']} | {_f(m.get('precision'))} | {_f(m.get('recall'))} | {_f(m.get('f1'))} | "
                    f"{_f(m.get('roc_auc'))} | {_f(m.get('flag_rate_benign'))} | {_f(m.get('suspect_accuracy'))} |")
        for bucket, b in (m.get("length_buckets") or {}).items():
            buckets.append(f"| {name} | {bucket} | {b['n']} | {_f(b.get('flag_rate_benign'))} | {_f(b.get('recall'))} |")
    out = "\n".join(rows) + "\n"
    if buckets:
        out += ("\n| set | turns | n | benign flagged | recall |\n| --- | --- | --- | --- | --- |\n" + "\n".join(buckets) + "\n")
    oof = metrics.get("conversations_out_of_fold")
    if oof:
        reached = oof["reached"]
        out += (f"\nOut of fold on the training conversations ({oof['n']}, writer-disjoint folds): precision "
                f"{_f(reached['precision'])}, recall {_f(reached['recall'])}, benign flagged {_f(reached['benign_flag_rate'])} "
                f"at the thresholds in use: "
                f"{describe_length_points(oof['by_length'], _f) if oof.get('by_length') else _f(oof['threshold'])}.\n")
    return out


def _operating_points(metrics: dict) -> str:
    points = metrics.get("operating_points")
    if not points:
        return "_operating points: not available_\n"
    targets = precision_targets(points)
    rows = ["| category | precision target | high-precision threshold | high-recall threshold | precision reached | recall reached |",
            "| --- | --- | --- | --- | --- | --- |"]
    for category, threshold in points["high_precision"].items():
        reached = points.get("reached", {}).get(category, {})
        rows.append(f"| {category} | {targets[category]} | {_f(threshold)} | {_f(points['high_recall'].get(category))} | "
                    f"{_f(reached.get('precision'))} | {_f(reached.get('recall'))} |")
    return (f"Chosen on leave-writer-out scores of the served (fold-averaged) model: each category's precision "
            f"target (below), recall target {points['recall_target']}.\n\n" + "\n".join(rows) + "\n")


def _rounded(value):
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    return value


def _summary(summary: dict) -> str:
    """What training recorded about its data, as a table (lists and mappings on one line)."""
    if not summary:
        return "_training data summary: not available_"
    rows = ["| what | value |", "| --- | --- |"]
    for key, value in summary.items():
        if isinstance(value, list):
            value = ", ".join(map(str, value))
        elif isinstance(value, dict):
            value = ", ".join(f"{name} {count}" for name, count in value.items())
        rows.append(f"| {key.replace('_', ' ')} | {value} |")
    return "\n".join(rows)


PROJECT_HANDWRITTEN = "training/data/handwritten"


def _material(config: dict, summary: dict) -> str:
    """What the model was trained on, from what training recorded: the real corpora only when it
    found them, hub datasets and reviewer feedback only when it read them."""
    hub_names = {h.get("name") or h.get("id") for h in (config.get("data") or {}).get("hub") or []}
    rows = summary.get("corpus_rows") or {}
    corpora = {name: n for name, n in rows.items() if name not in hub_names}
    hub = {name: n for name, n in rows.items() if name in hub_names}
    folder = str((config.get("data") or {}).get("handwritten_dir") or PROJECT_HANDWRITTEN).rstrip("/")
    if folder == PROJECT_HANDWRITTEN:
        parts = [("Messages and conversations hand-written by independent writers, each with its own brief and voice "
                  f"(`{folder}/`; positives that only make sense inside a conversation are left out "
                  "of message training), and long benign chats with written pieces embedded in them.")]
    else:   # a platform's own labels: the card named the project's writers and folder
        parts = [(f"Labelled messages and conversations from `{folder}/` (the writers are its `source` values, "
                  "listed above; positives marked `fragment` are left out of message training), and long benign "
                  "chats with its conversations embedded in them.")]
    if corpora:
        parts.append(f"The `train` split of real public Dutch corpora ({', '.join(corpora)}) as benign and "
                     "hard-negative material (for the shared corpora: Tatoeba, OpenSubtitles via XED, Multilingual "
                     "HateCheck, UD Dutch Alpino and LassySmall; see their README for licences and attribution).")
    elif summary:
        parts.append("No real corpora: none were found when this model was trained (`data.corpora.path`, "
                     "`SIGNALS_CORPORA_DIR`), so there are no corpus rows and no corpus flag rates below.")
    if hub:
        parts.append(f"Hub datasets read as benign text: {', '.join(f'{name} ({n} rows)' for name, n in hub.items())}.")
    if summary.get("feedback_rows"):
        left = summary.get("feedback_left_out") or {}
        dropped = ", ".join(f"{n} {why.replace('_', ' ')}" for why, n in left.items() if n)
        parts.append(f"{summary['feedback_rows']} reviewer decisions (`signals feedback export`, `data.feedback`), "
                     "each file its own fold group" + (f"; left out: {dropped}" if dropped else "") + ".")
    parts.append("The seeded generator in `training/synth/` is off by default (it added nothing on human-written text).")
    return "\n".join(parts)


def render_model_card(config: dict, summary: dict, metrics: dict, thresholds: dict) -> str:
    corpora = "\n".join(f"| {name} | {v['n']} | {v['flag_rate']:.4f} |" for name, v in metrics.get("corpora_test", {}).items())
    training = metrics.get("training", {})
    return f"""# Model card: {config['name']} {config['version']}

## Model details
A linear model over spaCy-preprocessed Dutch text (`spacy.blank("nl")`, lookup lemmatizer, signals'
normaliser for chat style and evasions: leetspeak, separators, homoglyphs, emoji used as words). Per
message: hashed character 2–5-grams and lemma uni- and bigrams, tactic-detector evidence (patterns
and cues in this directory), and mention cues (quotation, warnings to a group, advice to block and
report). Per category, a logistic regression (liblinear) is fitted once per writer-disjoint fold; the
served score is the average of the fold models, calibrated (sigmoid) on out-of-fold scores, so the
thresholds chosen on those scores hold for the served model. Conversations: per speaker, evidence
over windows of turns and its running maximum (never sums that grow with length), self-declared and
asked ages, and the stages of the grooming sequence a speaker goes through, in a second logistic regression; it names the speaker who
drives the grooming and the first turn that crosses the threshold. Seed {config['seed']}.
Trained in {training.get('seconds', '–')} s, peak RSS {training.get('peak_rss_mib', '–')} MiB,
{training.get('rows', '–')} rows, {training.get('features', '–')} features.

## Intended use
Ranking Dutch-language (Netherlands, Flemish, straattaal, Dutch–English) social-media messages and
conversations for **trained human reviewers**: `recruitment` and `sextortion` go to review,
`disclosure` to a help (support) workflow. It explains its scores with tactic spans.

## Out of scope
Any automatic action on users or content without a human decision; languages other than Dutch;
evidence in legal proceedings; judging adults' consensual conversations; age estimation.

## Training data
{_summary(summary)}

{_material(config, summary)}

## Evaluation
### Operating points
{_operating_points(metrics)}
### Hand-written training data, leave-writer-out (each writer scored by models that never saw it)
{_table(metrics, 'handwritten_leave_writer_out')}
### Development set (hand-written, not trained on, but looked at during development)
{_table(metrics, 'dev')}
### Conversations
{_conversations(metrics)}
### Real corpora, `test` split: share of texts flagged (every flag is a false positive)
| corpus | texts | flagged |
| --- | --- | --- |
{corpora}

The sealed test set (`training/data/sealed/`) is not read by training; `make bench` scores it once
per release.

Thresholds served (`thresholds.json`): {json.dumps(_rounded(thresholds))}

## Limitations
Trained on hand-written examples, not on real grooming chats; real abusers adapt. Leave-writer-out
recall varies by writer: a new platform's users write in ways no writer here did, so check the model
on your own labelled data (`signals evaluate`) before you rely on it. Short messages carry little
evidence on their own; texts that describe tactics (awareness posts, warnings) are flagged more
often than other negatives. Conversation risk is calibrated on conversations of the same origin.

## Ethical considerations
False positives put innocent conversations in front of reviewers; false negatives leave children
unprotected. Scores are evidence for a human, never a verdict. Message text is not stored by the
service except for items a platform enqueues for review, and then only until the retention period
ends. The data follows the project's content rules: no explicit content of any kind.
"""

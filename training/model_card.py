"""The model card written beside every model (Model Cards / Hugging Face sections)."""

from __future__ import annotations

import json


def _table(metrics: dict, key: str) -> str:
    if key not in metrics:
        return f"_{key}: not available_\n"
    rows = ["| category | precision | recall | F1 | PR-AUC | support |", "| --- | --- | --- | --- | --- | --- |"]
    for category, v in metrics[key]["categories"].items():
        rows.append(f"| {category} | {v.get('precision', float('nan')):.3f} | {v.get('recall', float('nan')):.3f} | "
                    f"{v.get('f1', float('nan')):.3f} | {v.get('pr_auc', float('nan')):.3f} | {v['support']} |")
    for rate in ("flag_rate_hard_negative", "flag_rate_benign", "flag_rate_negatives"):
        if metrics[key].get(rate) is not None:
            rows.append(f"\n{rate.replace('_', ' ')}: {metrics[key][rate]:.3f}")
    return "\n".join(rows) + "\n"


def render_model_card(config: dict, summary: dict, metrics: dict, thresholds: dict) -> str:
    corpora = "\n".join(f"| {name} | {v['n']} | {v['flag_rate']:.4f} |" for name, v in metrics.get("corpora_test", {}).items())
    convs = {k: metrics[k] for k in ("dev_conversations", "synth_test_conversations") if k in metrics}
    return f"""# Model card: {config['name']} {config['version']}

## Model details
A scikit-learn model over spaCy-preprocessed Dutch text (`spacy.blank("nl")`, lookup lemmatizer,
signals' normaliser for chat style and evasions): word and character n-gram TF-IDF, tactic-detector
features and their interactions, and conversation-context features, feeding one logistic regression
per category with sigmoid calibration fitted on group-disjoint out-of-fold scores. A small
conversation model names the speaker who drives the grooming. Seed {config['seed']}.

## Intended use
Ranking Dutch-language (Netherlands, Flemish, straattaal, Dutch–English) social-media messages and
conversations for **trained human reviewers**: `recruitment` and `sextortion` go to review,
`disclosure` to a help (support) workflow. It explains its scores with tactic spans.

## Out of scope
Any automatic action on users or content without a human decision; languages other than Dutch;
evidence in legal proceedings; judging adults' consensual conversations; age estimation.

## Training data
{json.dumps(summary, indent=2)}

Synthetic messages from the seeded generator in `training/synth/` (templates held out for the test
set), messages and conversations hand-written by several writers with different briefs
(`training/data/handwritten/`), and the `train` split of the real public Dutch corpora in
`../shared/corpora/` as benign and hard-negative material (Tatoeba, OpenSubtitles via XED,
Multilingual HateCheck, UD Dutch Alpino and LassySmall: see their README for licences and
attribution; Tatoeba text is CC BY 2.0 FR, packaging CC BY-NC-SA 4.0).

## Evaluation
Thresholds (high precision, default; high recall): {json.dumps(thresholds)}

### Independent hand-written dev set (never used for training or tuning)
{_table(metrics, 'dev')}
### Template-disjoint synthetic test
{_table(metrics, 'synth_test')}
### Hand-written training data, leave-writer-out (out-of-fold)
{_table(metrics, 'handwritten_leave_writer_out')}
### Conversations
{json.dumps(convs, indent=2)}

### Real corpora, `test` split: share of texts flagged
| corpus | texts | flagged |
| --- | --- | --- |
{corpora}

Register gaps (dev set): {json.dumps(metrics.get('dev', {}).get('register_gap'))}

## Limitations
Trained on synthetic and hand-written examples, not on real grooming chats; real abusers adapt.
Short messages carry little evidence on their own; conversation context helps but a single turn
can still be missed or over-flagged. Calibration was fitted on data of the same origin as training.

## Ethical considerations
False positives put innocent conversations in front of reviewers; false negatives leave children
unprotected. Scores are evidence for a human, never a verdict. Message text is not stored by the
service. The data follows the project's content rules: no explicit content of any kind.
"""

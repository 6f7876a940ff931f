#!/bin/sh
# The command-trial protocol from a shell script: the FRNAS_* variables, Python for the arithmetic (docs/command-trials.md).
# frnas search --space my-space.json --objectives loss,size --command "sh examples/command-trials/tiny-trainer.sh" --out study
set -e
echo "training trial $FRNAS_TRIAL_ID for $FRNAS_BUDGET epochs (from $FRNAS_PREVIOUS_BUDGET) into $FRNAS_CHECKPOINT_DIR" >&2
echo "$FRNAS_BUDGET" > "$FRNAS_CHECKPOINT_DIR/epochs"
/usr/bin/env python3 -c '
import json, os
config, budget = json.loads(os.environ["FRNAS_CONFIG"]), float(os.environ["FRNAS_BUDGET"])
x = [v for v in config.values() if isinstance(v, (int, float)) and not isinstance(v, bool)]
print("frnas:" + json.dumps({"final": True, "values": {"loss": sum(v * v for v in x) + 1 / budget, "size": len(x)}}))
'

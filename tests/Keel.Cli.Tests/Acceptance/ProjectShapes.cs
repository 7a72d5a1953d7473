using System.Globalization;
using System.Text;

namespace Keel.Cli.Tests.Acceptance;

/// <summary>
/// Project shapes Keel's examples do not have, each built from scratch in a temp folder and
/// committed to git, not yet run. Every builder returns the project; the constants name the
/// paths and stages tests check, so a new acceptance check can reuse a shape as it is.
/// </summary>
internal static class ProjectShapes
{
    /// <summary>
    /// Shell + Debian's python3 (no packages): prepare splits a hand-added CSV
    /// (<c>keel add data/raw.csv</c>, gitignored), train fits a logistic regression in pure
    /// Python (epochs read from params.yaml by the script, the learning rate passed as
    /// <c>${train.lr}</c>), evaluate writes metrics JSON into <c>reports/metrics/</c>, a folder
    /// that is gitignored and does not exist yet.
    /// </summary>
    public static class ShellPython
    {
        public const string Model = "models/classifier.json";
        public const string Metrics = "reports/metrics/scores.json";
        public const string Train = "build/data/train.csv";
        public const string Test = "build/data/test.csv";
        public static readonly string[] Stages = ["prepare", "train", "evaluate"];

        public const string KeelYaml = """
            stages:
              prepare:
                cmd: python3 src/prepare.py data/raw.csv build/data --test-fraction ${prepare.test_fraction}
                deps: [src/prepare.py, data/raw.csv]
                outs: [build/data/train.csv, build/data/test.csv]
              train:
                cmd: python3 src/train.py build/data/train.csv models/classifier.json --lr ${train.lr}
                deps: [src/train.py, build/data/train.csv]
                params: [train.epochs]
                outs: [{path: models/classifier.json, kind: model}]
                compare:
                  models/classifier.json: {method: exact}
              evaluate:
                cmd: python3 src/evaluate.py models/classifier.json build/data/test.csv reports/metrics/scores.json
                deps: [src/evaluate.py, models/classifier.json, build/data/test.csv]
                outs: [{path: reports/metrics/scores.json, kind: metrics}]
                compare:
                  reports/metrics/scores.json: {method: metrics, abs: 1.0e-9}
            """;

        public const string Params = """
            prepare:
              test_fraction: 0.25
            train:
              lr: 0.5
              epochs: 30
            """;

        private const string Prepare = """
            import os, sys
            src, out = sys.argv[1], sys.argv[2]
            fraction = float(sys.argv[sys.argv.index("--test-fraction") + 1])
            lines = open(src).read().splitlines()
            header, rows = lines[0], lines[1:]
            every = max(2, round(1 / fraction))
            test = [r for i, r in enumerate(rows) if i % every == 0]
            train = [r for i, r in enumerate(rows) if i % every != 0]
            # No makedirs: keel creates every declared output's parent folder.
            for name, part in (("train.csv", train), ("test.csv", test)):
                with open(os.path.join(out, name), "w") as f:
                    f.write("\n".join([header] + part) + "\n")
            """;

        private const string TrainPy = """
            import json, math, os, random, sys

            def read_params(path):
                # params.yaml as plain 'section:' / '  key: value' lines; Debian's python3 has no YAML parser.
                values, section = {}, None
                for line in open(path):
                    if not line.strip() or line.lstrip().startswith("#"):
                        continue
                    key, _, value = line.strip().partition(":")
                    if not line[0].isspace():
                        section = key if not value.strip() else None
                        if value.strip():
                            values[key] = value.strip()
                    else:
                        values[section + "." + key] = value.strip()
                return values

            src, out = sys.argv[1], sys.argv[2]
            lr = float(sys.argv[sys.argv.index("--lr") + 1])
            epochs = int(read_params("params.yaml")["train.epochs"])
            rows = [list(map(float, l.split(","))) for l in open(src).read().splitlines()[1:]]
            rng = random.Random(int(os.environ["KEEL_SEED"]))
            w = [0.0, 0.0, 0.0]
            # The training curve goes where keel says, a line an epoch (keel run, reproduce and replay.sh all set it).
            curve = open(os.environ["KEEL_METRICS_FILE"], "a")
            for epoch in range(epochs):
                rng.shuffle(rows)
                loss = 0.0
                for x1, x2, y in rows:
                    p = 1 / (1 + math.exp(-(w[0] + w[1] * x1 + w[2] * x2)))
                    g = p - y
                    loss -= y * math.log(max(p, 1e-12)) + (1 - y) * math.log(max(1 - p, 1e-12))
                    w = [w[0] - lr * g, w[1] - lr * g * x1, w[2] - lr * g * x2]
                curve.write(json.dumps({"train_loss": loss / len(rows), "step": epoch}) + "\n")
            curve.close()
            json.dump({"weights": [repr(v) for v in w], "lr": lr, "epochs": epochs}, open(out, "w"), sort_keys=True)
            """;

        private const string Evaluate = """
            import json, math, sys
            model, test, out = sys.argv[1], sys.argv[2], sys.argv[3]
            w = [float(v) for v in json.load(open(model))["weights"]]
            rows = [list(map(float, l.split(","))) for l in open(test).read().splitlines()[1:]]
            correct, loss = 0, 0.0
            for x1, x2, y in rows:
                p = 1 / (1 + math.exp(-(w[0] + w[1] * x1 + w[2] * x2)))
                correct += int((p >= 0.5) == (y == 1))
                loss -= y * math.log(max(p, 1e-12)) + (1 - y) * math.log(max(1 - p, 1e-12))
            json.dump({"accuracy": correct / len(rows), "loss": loss / len(rows), "rows": len(rows)}, open(out, "w"), sort_keys=True)
            """;

        /// <summary>Builds the project, <c>keel add</c>s its raw data and commits; nothing has run.</summary>
        public static AcceptanceProject Create()
        {
            var p = new AcceptanceProject("python");
            p.Create(KeelYaml,
                [("params.yaml", Params), ("src/prepare.py", Prepare), ("src/train.py", TrainPy), ("src/evaluate.py", Evaluate), ("data/raw.csv", RawCsv(240, 17))],
                "/data/raw.csv\n/reports/\n__pycache__/\n");
            p.KeelOk("add", "data/raw.csv", "--name", "raw");
            return p;
        }

        /// <summary>Two noisy features and a label that mostly follows their sum: seeded, so every build is the same.</summary>
        public static string RawCsv(int rows, int seed)
        {
            var random = new Random(seed);
            var sb = new StringBuilder("x1,x2,label\n");
            for (var i = 0; i < rows; i++)
            {
                var x1 = (random.NextDouble() * 4) - 2;
                var x2 = (random.NextDouble() * 4) - 2;
                var label = x1 + x2 + ((random.NextDouble() - 0.5) * 1.5) > 0 ? 1 : 0;
                sb.Append(CultureInfo.InvariantCulture, $"{x1:0.0000},{x2:0.0000},{label}\n");
            }
            return sb.ToString();
        }
    }

    /// <summary>
    /// Shell only (cut, sort, uniq, awk): outputs in nested folders that do not exist (no mkdir
    /// in any command but the directory output's own), values from a <c>vars:</c> file with
    /// nested keys, inline <c>vars:</c>, and params.yaml, and shell variables left to bash.
    /// </summary>
    public static class ShellNested
    {
        public const string Shards = "build/shards";
        public const string Count = "out/deep/nested/count.txt";
        public const string Summary = "reports/x/y/summary.txt";
        public const string Stamp = "reports/x/y/stamp.txt";
        public static readonly string[] Stages = ["split", "summarise"];

        public const string KeelYaml = """
            vars:
              - config/shape.yaml
              - {report: {title: events-by-kind}}
            stages:
              split:
                cmd: mkdir -p build/shards && cut -f ${split.column} data/events.tsv | tail -n +2 | sort > build/shards/sorted.txt && grep -c . build/shards/sorted.txt > out/deep/nested/count.txt
                deps: [data/events.tsv]
                outs: [build/shards, out/deep/nested/count.txt]
              summarise:
                cmd:
                  - echo '${report.title}' > reports/x/y/summary.txt
                  - uniq -c build/shards/sorted.txt | sort -rn | head -n ${summary.top} | awk '{print $2, $1}' >> reports/x/y/summary.txt
                  - echo "stage ${KEEL_STAGE} seed ${KEEL_SEED}" > reports/x/y/stamp.txt
                deps: [build/shards]
                outs: [reports/x/y/summary.txt, reports/x/y/stamp.txt]
                compare:
                  reports/x/y/stamp.txt: {method: exact}
            """;

        /// <summary>Builds the project and commits it; nothing has run.</summary>
        public static AcceptanceProject Create()
        {
            var p = new AcceptanceProject("nested");
            var events = new StringBuilder("ts\tkind\tuser\n");
            string[] kinds = ["click", "view", "buy", "view", "click", "view"];
            for (var i = 0; i < 60; i++) events.Append(CultureInfo.InvariantCulture, $"{1000 + i}\t{kinds[(i * 7) % kinds.Length]}\tu{i % 9}\n");
            p.Create(KeelYaml,
                [("config/shape.yaml", "split:\n  column: 2\n"), ("params.yaml", "summary:\n  top: 2\n"), ("data/events.tsv", events.ToString())],
                "");
            return p;
        }
    }

    /// <summary>
    /// Shell (awk) + python3 on a hand-made CSV that <c>keel add</c> versioned as <c>sales@1</c>
    /// (the path gitignored, so git never holds the data): totals reads the version keel.yaml
    /// pins (<c>sales@1</c>), report sums totals' output, trend fits a line on whatever
    /// <c>sales@latest</c> is. No params.
    /// </summary>
    public static class DatasetVersions
    {
        public const string Raw = "data/sales.csv";
        public const string Totals = "build/totals.txt";
        public const string Report = "reports/report.txt";
        public const string Trend = "models/trend.json";
        public static readonly string[] Stages = ["totals", "report", "trend"];

        /// <summary>sales@1: four days.</summary>
        public const string V1 = "day,region,units\n1,north,5\n2,south,7\n3,north,4\n4,south,9\n";

        /// <summary>sales@2: two more days, which change both the totals and the trend.</summary>
        public const string V2 = V1 + "5,north,6\n6,south,12\n";

        public const string KeelYaml = """
            stages:
              totals:
                cmd: awk -F, 'NR > 1 { units[$2] += $3 } END { for (r in units) print r, units[r] }' data/sales.csv | sort > build/totals.txt
                deps: [sales@1]
                outs: [build/totals.txt]
              report:
                cmd: awk '{ total += $2 } END { print "regions", NR, "units", total }' build/totals.txt > reports/report.txt
                deps: [build/totals.txt]
                outs: [reports/report.txt]
                compare:
                  reports/report.txt: {method: exact}
              trend:
                cmd: python3 src/fit.py data/sales.csv models/trend.json
                deps: [sales@latest, src/fit.py]
                outs: [{path: models/trend.json, kind: model}]
                compare:
                  models/trend.json: {method: exact}
            """;

        // Least squares of units on day; repr keeps every digit, so a changed input shows.
        private const string Fit = """
            import json, sys
            rows = [l.split(",") for l in open(sys.argv[1]).read().splitlines()[1:]]
            xs, ys = [float(r[0]) for r in rows], [float(r[2]) for r in rows]
            n = len(rows)
            mx, my = sum(xs) / n, sum(ys) / n
            slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
            json.dump({"rows": n, "slope": repr(slope), "intercept": repr(my - slope * mx)}, open(sys.argv[2], "w"), sort_keys=True)
            """;

        /// <summary>Builds the project, <c>keel add</c>s <see cref="V1"/> as sales@1 and commits; nothing has run.</summary>
        public static AcceptanceProject Create()
        {
            var p = new AcceptanceProject("datasets");
            p.Create(KeelYaml, [("src/fit.py", Fit), (Raw, V1)], "/data/sales.csv\n");
            p.KeelOk("add", Raw, "--name", "sales");
            return p;
        }
    }
}

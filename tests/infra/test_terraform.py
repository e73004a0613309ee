"""The promises of issue 4 about infra/terraform, checked on the HCL itself (python-hcl2)."""

from __future__ import annotations

import re

import pytest
from conftest import (
    LAKEHOUSE_ENV,
    MODULES,
    REPO,
    STEPS,
    TF_ROOT,
    as_list,
    blocks,
    load_hcl,
    module_dirs,
    policy_documents,
    release,
    resources,
    statements,
    tf_files,
)

EXPECTED_MODULES = {
    "kms",
    "buckets",
    "warehouse",
    "registry",
    "iam",
    "alerts",
    "streaming",
}
BUCKETS = MODULES / "buckets"
IAM = MODULES / "iam"
WAREHOUSE = MODULES / "warehouse"
STREAMING = MODULES / "streaming"

# The workout lakehouse's steps (DAG fitbit_lakehouse), next to the batch STEPS.
LAKEHOUSE_STEPS = ("ingest", "silver", "gold")
# The weekly DAG's last task, the run report (images/release.json "report").
REPORT_STEPS = ("report",)
ALL_STEPS = (*STEPS, *REPORT_STEPS, *LAKEHOUSE_STEPS)
KAFKA_TOPIC_VARS = ("kafka_topic_user_info", "kafka_topic_workout", "kafka_topic_bpm")


# ----------------------------------------------------------------------------- structure


@pytest.mark.parametrize("path", tf_files(), ids=lambda p: str(p.relative_to(TF_ROOT)))
def test_every_tf_file_parses(path):
    assert isinstance(load_hcl(path), dict)


def test_layout_is_terraform_aws_modules_style():
    assert EXPECTED_MODULES <= {p.name for p in module_dirs()}
    for directory in [TF_ROOT, *module_dirs(), TF_ROOT / "examples" / "complete"]:
        for name in ("main.tf", "variables.tf", "outputs.tf", "versions.tf"):
            assert (directory / name).is_file(), (
                f"{directory.relative_to(REPO)}/{name} missing"
            )
    assert (TF_ROOT / "README.md").is_file()
    assert list((TF_ROOT / "examples" / "complete").glob("*.tfvars*")), (
        "examples/complete needs a tfvars file"
    )


@pytest.mark.parametrize(
    "directory",
    [TF_ROOT, *module_dirs(), TF_ROOT / "examples" / "complete"],
    ids=lambda p: str(p.relative_to(REPO)),
)
def test_provider_pinned(directory):
    terraform = load_hcl(directory / "versions.tf")["terraform"][0]
    assert terraform["required_version"].startswith(">=")
    aws = terraform["required_providers"][0]["aws"]
    assert aws["source"] == "hashicorp/aws"
    assert re.fullmatch(r"~> 6\.\d+", aws["version"]), aws["version"]


@pytest.mark.parametrize(
    "directory", [TF_ROOT, *module_dirs()], ids=lambda p: str(p.relative_to(REPO))
)
def test_variables_and_outputs_are_described(directory):
    for kind in ("variable", "output"):
        for name, body in blocks(directory, kind).items():
            assert body.get("description"), (
                f"{kind} {name} in {directory.name} has no description"
            )


def test_readme_lists_every_root_input_and_output():
    readme = (TF_ROOT / "README.md").read_text(encoding="utf-8")
    for kind in ("variable", "output"):
        for name in blocks(TF_ROOT, kind):
            assert f"`{name}`" in readme, f"README.md does not document {kind} {name}"


# ----------------------------------------------------------------------------- buckets


def test_buckets_block_all_public_access():
    pabs = resources(BUCKETS, "aws_s3_bucket_public_access_block")
    assert pabs
    for name, pab in pabs.items():
        for flag in (
            "block_public_acls",
            "block_public_policy",
            "ignore_public_acls",
            "restrict_public_buckets",
        ):
            assert pab.get(flag) is True, (
                f"public access block {name}: {flag} is not true"
            )
    covered = _buckets_covered_by("aws_s3_bucket_public_access_block")
    assert set(resources(BUCKETS, "aws_s3_bucket")) <= covered


def _buckets_covered_by(rtype: str) -> set[str]:
    """Bucket resource names a per-bucket resource type applies to (direct or via local.buckets)."""
    local_buckets = blocks(BUCKETS, "locals")["buckets"]
    via_local = {
        re.search(r"aws_s3_bucket\.(\w+)", v).group(1) for v in local_buckets.values()
    }
    covered = set()
    for body in resources(BUCKETS, rtype).values():
        if body.get("for_each") == "${local.buckets}":
            covered |= via_local
        match = re.search(r"aws_s3_bucket\.(\w+)", str(body.get("bucket", "")))
        if match:
            covered.add(match.group(1))
    return covered


def test_raw_and_lake_use_sse_kms_with_the_cmk():
    sse = resources(BUCKETS, "aws_s3_bucket_server_side_encryption_configuration")[
        "this"
    ]
    assert sse["for_each"] == "${local.buckets}"
    default = sse["rule"][0]["apply_server_side_encryption_by_default"][0]
    assert default["sse_algorithm"] == "aws:kms"
    assert default["kms_master_key_id"] == "${var.kms_key_arn}"
    assert {"raw", "lake"} <= _buckets_covered_by(
        "aws_s3_bucket_server_side_encryption_configuration"
    )
    root_modules = blocks(TF_ROOT, "module")
    assert root_modules["buckets"]["kms_key_arn"] == "${module.kms.key_arn}"
    key = resources(MODULES / "kms", "aws_kms_key")["this"]
    assert key["enable_key_rotation"] is True


def test_raw_is_versioned():
    versioning = resources(BUCKETS, "aws_s3_bucket_versioning")["raw"]
    assert versioning["bucket"] == "${aws_s3_bucket.raw.id}"
    assert versioning["versioning_configuration"][0]["status"] == "Enabled"


def test_lake_lifecycle_expires_staging_and_quarantine():
    lake = resources(BUCKETS, "aws_s3_bucket_lifecycle_configuration")["lake"]
    by_prefix = {}
    for rule in lake["rule"]:
        assert rule["status"] == "Enabled"
        for flt in as_list(rule.get("filter")):
            by_prefix[flt.get("prefix")] = rule
    for prefix in ("staging/", "quarantine/"):
        assert prefix in by_prefix, f"no lifecycle rule for {prefix}"
        assert by_prefix[prefix].get("expiration"), f"{prefix} objects never expire"
    assert any(rule.get("abort_incomplete_multipart_upload") for rule in lake["rule"])


def test_bucket_policies_deny_insecure_transport():
    policies = resources(BUCKETS, "aws_s3_bucket_policy")
    documents = policy_documents(BUCKETS)
    assert {"this", "access_logs"} <= set(policies)
    for name, policy in policies.items():
        doc_name = re.search(r"aws_iam_policy_document\.(\w+)", policy["policy"]).group(
            1
        )
        denies = [
            s
            for s in statements(documents[doc_name])
            if s.get("effect") == "Deny"
            and any(
                c.get("variable") == "aws:SecureTransport"
                and c.get("values") == ["false"]
                and c.get("test") == "Bool"
                for c in as_list(s.get("condition"))
            )
        ]
        assert denies, f"bucket policy {name} has no TLS-only Deny"
        deny = denies[0]
        assert deny["actions"] == ["s3:*"]
        assert deny["principals"][0]["identifiers"] == ["*"]
        assert any(r.endswith("/*") for r in deny["resources"]) and any(
            not r.endswith("/*") for r in deny["resources"]
        )
    assert policies["this"]["for_each"] == "${local.buckets}"


def test_access_logging_targets_raw_and_lake():
    logging = resources(BUCKETS, "aws_s3_bucket_logging")["this"]
    assert "local.buckets" in logging["for_each"]
    assert "aws_s3_bucket.access_logs" in logging["target_bucket"]


# ----------------------------------------------------------------------------- warehouse


def test_serverless_namespace_encrypted_with_managed_password():
    namespace = resources(WAREHOUSE, "aws_redshiftserverless_namespace")["this"]
    assert namespace["manage_admin_password"] is True
    assert namespace["kms_key_id"] == "${var.kms_key_arn}"
    assert namespace["admin_password_secret_kms_key_id"] == "${var.kms_key_arn}"
    assert (
        "admin_user_password" not in namespace
        and "admin_user_password_wo" not in namespace
    )
    assert "aws_iam_role.copy.arn" in str(namespace["iam_roles"])


def test_serverless_workgroup_private_with_ssl():
    workgroup = resources(WAREHOUSE, "aws_redshiftserverless_workgroup")["this"]
    assert workgroup["publicly_accessible"] is False
    assert workgroup["enhanced_vpc_routing"] is True
    assert workgroup["subnet_ids"] == "${var.subnet_ids}"
    params = {
        p["parameter_key"]: p["parameter_value"] for p in workgroup["config_parameter"]
    }
    assert params.get("require_ssl") == "true"


def test_provisioned_cluster_option_is_encrypted_and_private():
    variables = blocks(WAREHOUSE, "variable")
    assert variables["warehouse_type"]["default"] == "serverless"
    cluster = resources(WAREHOUSE, "aws_redshift_cluster")["this"]
    assert "provisioned" in cluster["count"] or "local.provisioned" in cluster["count"]
    assert cluster["encrypted"] is True
    assert cluster["kms_key_id"] == "${var.kms_key_arn}"
    assert cluster["publicly_accessible"] is False
    assert cluster["manage_master_password"] is True
    assert "master_password" not in cluster and "master_password_wo" not in cluster


def test_copy_role_reads_only_the_lake():
    docs = policy_documents(WAREHOUSE)
    allowed_actions = {
        "s3:GetObject",
        "s3:ListBucket",
        "s3:GetBucketLocation",
        "kms:Decrypt",
    }
    for statement in statements(docs["copy"]):
        assert statement.get("effect", "Allow") == "Allow"
        assert set(statement["actions"]) <= allowed_actions, statement["actions"]
        for resource in statement["resources"]:
            assert (
                resource.startswith("${var.lake_bucket_arn}")
                or resource == "${var.kms_key_arn}"
            ), resource
    trust = statements(docs["copy_assume"])[0]
    assert set(trust["principals"][0]["identifiers"]) <= {
        "redshift.amazonaws.com",
        "redshift-serverless.amazonaws.com",
    }


def test_copy_role_reads_lakehouse_parquet():
    readable = {
        r
        for st in statements(policy_documents(WAREHOUSE)["copy"])
        if "s3:GetObject" in st["actions"]
        for r in st["resources"]
    }
    for prefix in ("staging", "bronze", "silver"):
        assert f"${{var.lake_bucket_arn}}/{prefix}/*" in readable, (
            f"COPY cannot read the lake's {prefix}/"
        )


# ----------------------------------------------------------------------------- registry, alerts


def test_ecr_repositories_scan_on_push_immutable_kms():
    repo = resources(MODULES / "registry", "aws_ecr_repository")["this"]
    assert repo["image_tag_mutability"] == "IMMUTABLE"
    assert repo["image_scanning_configuration"][0]["scan_on_push"] is True
    encryption = repo["encryption_configuration"][0]
    assert (
        encryption["encryption_type"] == "KMS"
        and encryption["kms_key"] == "${var.kms_key_arn}"
    )


def test_ecr_repositories_come_from_release_json():
    main = blocks(TF_ROOT, "module")
    assert main["registry"]["repositories"] == "${local.release.images}"
    local_release = blocks(TF_ROOT, "locals")["release"]
    assert "images/release.json" in local_release
    # every image in release.json gets a repository and its step a role (and vice versa)
    assert set(release()["images"]) == set(ALL_STEPS)
    assert set(release()["images"]) == set(_iam_steps())


def _iam_steps() -> list[str]:
    match = re.fullmatch(
        r"\$\{toset\(\[(.*)\]\)\}", blocks(IAM, "locals")["steps"], re.DOTALL
    )
    assert match, blocks(IAM, "locals")["steps"]
    return re.findall(r'"([a-z]+)"', match.group(1))


def test_sns_and_log_groups_encrypted():
    topic = resources(MODULES / "alerts", "aws_sns_topic")["alerts"]
    assert topic["kms_master_key_id"] == "${var.kms_key_arn}"
    groups = resources(MODULES / "alerts", "aws_cloudwatch_log_group")["steps"]
    assert groups["kms_key_id"] == "${var.kms_key_arn}"
    assert groups["retention_in_days"] == "${var.log_retention_days}"
    retention = blocks(MODULES / "alerts", "variable")["log_retention_days"]
    assert retention["default"] >= 365
    assert set(ALL_STEPS) <= set(
        blocks(MODULES / "alerts", "variable")["log_group_streams"]["default"]
    )


def test_every_kms_argument_in_root_comes_from_the_cmk():
    for name, module in blocks(TF_ROOT, "module").items():
        if "kms_key_arn" in module:
            assert module["kms_key_arn"] == "${module.kms.key_arn}", name


# ----------------------------------------------------------------------------- IAM

# Actions AWS documents as supporting no resource-level permissions, allowed on "*" only with a
# condition and a statement id that says so.
NO_RESOURCE_LEVEL = {
    "redshift-data:DescribeStatement",
    "redshift-data:GetStatementResult",
    "redshift-data:CancelStatement",
    "redshift-data:ListStatements",
}


def _identity_statements():
    """(module, document, statement) for every identity policy (no principals = not a resource policy)."""
    for directory in module_dirs():
        for doc_name, doc in policy_documents(directory).items():
            for statement in statements(doc):
                if statement.get("principals"):
                    continue
                yield directory.name, doc_name, statement


def test_identity_policies_exist():
    names = {(m, d) for m, d, _ in _identity_statements()}
    assert {
        ("iam", "extract"),
        ("iam", "transform"),
        ("iam", "warehouse"),
        ("warehouse", "copy"),
    } <= names


def test_identity_policies_have_no_wildcard_actions():
    for module, doc, statement in _identity_statements():
        for action in as_list(statement.get("actions")):
            assert "*" not in action, f"{module}/{doc}: wildcard action {action}"
        assert "not_actions" not in statement


def test_identity_policies_have_no_star_resource_unless_justified():
    for module, doc, statement in _identity_statements():
        if "*" in as_list(statement.get("resources")):
            assert statement.get("sid", "").startswith("NoResourceLevel"), (
                f"{module}/{doc}: Resource * without reason"
            )
            assert set(statement["actions"]) <= NO_RESOURCE_LEVEL, statement["actions"]
            assert statement.get("condition"), (
                f"{module}/{doc}: Resource * without a condition"
            )


# a reference to a policy document's JSON, also of a counted one (data.x.name[*].json)
DOC_REF = re.compile(r"aws_iam_policy_document\.(\w+)(?:\[[^\]]*\])?\.json")


def _merged_statements(docs, name):
    """A policy document's statements, with those of its source_policy_documents."""
    doc = docs[name]
    merged = list(statements(doc))
    for source in as_list(doc.get("source_policy_documents")):
        for ref in DOC_REF.findall(str(source)):
            merged.extend(_merged_statements(docs, ref))
    return merged


def _step_documents():
    step_policies = blocks(IAM, "locals")["step_policies"]
    docs = policy_documents(IAM)
    result = {}
    for step in ALL_STEPS:
        match = DOC_REF.search(step_policies[step])
        result[step] = _merged_statements(docs, match.group(1))
    return result


def _actions(statement_list) -> set[str]:
    return {a for s in statement_list for a in as_list(s.get("actions"))}


def test_every_step_gets_only_temporary_warehouse_credentials():
    for step, docs in _step_documents().items():
        actions = {a for s in docs for a in as_list(s.get("actions"))}
        assert "redshift-serverless:GetCredentials" in actions, step
        assert not any(a.startswith("redshift-data:") for a in actions), (
            step,
            "the steps use JDBC, not the Data API",
        )


def test_every_step_has_a_role_and_policy():
    roles = resources(IAM, "aws_iam_role")["step"]
    assert "local.steps" in roles["for_each"]
    assert set(_iam_steps()) == set(ALL_STEPS)
    assert set(blocks(IAM, "locals")["step_policies"]) == set(ALL_STEPS)
    assert "local.steps" in resources(IAM, "aws_iam_role_policy")["step"]["for_each"]


def test_load_and_promote_cannot_write_s3_or_touch_raw():
    for step in ("load", "promote"):
        for statement in _step_documents()[step]:
            actions = as_list(statement.get("actions"))
            assert not any(a.startswith(("s3:Put", "s3:Delete")) for a in actions), (
                step,
                actions,
            )
            for resource in as_list(statement.get("resources")):
                assert "raw" not in resource, (step, resource)
        warehouse_actions = {
            a for s in _step_documents()[step] for a in as_list(s.get("actions"))
        }
        assert "redshift-serverless:GetCredentials" in warehouse_actions
        assert {a.split(":")[0] for a in warehouse_actions} <= {
            "s3",
            "kms",
            "redshift-data",
            "redshift-serverless",
            "redshift",
        }


def test_extract_writes_only_lake_manifests():
    for statement in _step_documents()["extract"]:
        actions = as_list(statement.get("actions"))
        if any(a.startswith("s3:Put") for a in actions):
            assert statement["resources"] == ["${local.lake}/manifests/*"], statement[
                "resources"
            ]


def test_transform_reads_raw_and_writes_only_lake():
    for statement in _step_documents()["transform"]:
        actions = as_list(statement.get("actions"))
        if any(a.startswith("s3:Put") for a in actions):
            assert all(
                r.startswith("${local.lake}/") for r in statement["resources"]
            ), statement["resources"]
    reads_raw = [
        s
        for s in _step_documents()["transform"]
        if "s3:GetObject" in s["actions"] and "${local.raw_objects}" in s["resources"]
    ]
    assert reads_raw


# ----------------------------------------------------------------------------- streaming (MSK Serverless)


def test_msk_serverless_cluster_uses_iam_auth_in_private_subnets():
    cluster = resources(STREAMING, "aws_msk_serverless_cluster")["this"]
    assert cluster["client_authentication"] == [
        {"sasl": [{"iam": [{"enabled": True}]}]}
    ]
    vpc = cluster["vpc_config"][0]
    assert vpc["subnet_ids"] == "${var.subnet_ids}"
    assert vpc["security_group_ids"] == ["${aws_security_group.this.id}"]
    assert cluster["tags"] == "${var.tags}"
    root = blocks(TF_ROOT, "module")["streaming"]
    assert root["subnet_ids"] == "${var.private_subnet_ids}"
    assert root["tags"] == "${local.tags}"


def test_msk_security_group_admits_only_security_groups_on_9098():
    assert set(resources(STREAMING, "aws_security_group")) == {"this"}
    group = resources(STREAMING, "aws_security_group")["this"]
    assert "ingress" not in group and "egress" not in group, (
        "inline rules are not allowed"
    )
    assert group["vpc_id"] == "${var.vpc_id}"
    assert not resources(STREAMING, "aws_security_group_rule")
    assert not resources(STREAMING, "aws_vpc_security_group_egress_rule"), (
        "the brokers need no egress"
    )
    rules = resources(STREAMING, "aws_vpc_security_group_ingress_rule")
    assert rules
    for name, rule in rules.items():
        assert rule["security_group_id"] == "${aws_security_group.this.id}"
        assert (
            rule["from_port"] == 9098
            and rule["to_port"] == 9098
            and rule["ip_protocol"] == "tcp"
        ), name
        assert rule["referenced_security_group_id"] == "${each.value}", name
        assert "var.allowed_security_group_ids" in rule["for_each"], name
        for key in ("cidr_ipv4", "cidr_ipv6", "prefix_list_id"):
            assert key not in rule, f"{name}: ingress by {key}"
    for path in STREAMING.glob("*.tf"):
        text = path.read_text(encoding="utf-8")
        assert "0.0.0.0/0" not in text and "::/0" not in text, path.name


def test_streaming_module_outputs_what_iam_and_airflow_need():
    outputs = blocks(STREAMING, "output")
    assert outputs["cluster_arn"]["value"] == "${aws_msk_serverless_cluster.this.arn}"
    assert (
        outputs["cluster_name"]["value"]
        == "${aws_msk_serverless_cluster.this.cluster_name}"
    )
    assert (
        outputs["cluster_uuid"]["value"]
        == "${aws_msk_serverless_cluster.this.cluster_uuid}"
    )
    assert outputs["security_group_id"]["value"] == "${aws_security_group.this.id}"
    assert (
        outputs["bootstrap_brokers_sasl_iam"]["value"]
        == "${data.aws_msk_bootstrap_brokers.this.bootstrap_brokers_sasl_iam}"
    )
    brokers = blocks(STREAMING, "data")[("aws_msk_bootstrap_brokers", "this")]
    assert brokers["cluster_arn"] == "${aws_msk_serverless_cluster.this.arn}"


def test_streaming_is_optional_and_wired_into_iam():
    variables = blocks(TF_ROOT, "variable")
    assert variables["streaming_enabled"]["default"] is True
    assert variables["streaming_enabled"]["type"] == "bool"
    modules = blocks(TF_ROOT, "module")
    assert modules["streaming"]["count"] == "${var.streaming_enabled ? 1 : 0}"
    iam = modules["iam"]
    assert iam["kafka_enabled"] == "${var.streaming_enabled}"
    for attr in ("arn", "name", "uuid"):
        assert (
            iam[f"kafka_cluster_{attr}"]
            == f"${{one(module.streaming[*].cluster_{attr})}}"
        )
    for name in (*KAFKA_TOPIC_VARS, "kafka_consumer_group"):
        assert iam[name] == f"${{var.{name}}}", name
    # the Kafka grants exist only with a cluster
    assert (
        policy_documents(IAM)["ingest_kafka"]["count"] == "${var.kafka_enabled ? 1 : 0}"
    )
    assert blocks(IAM, "variable")["kafka_enabled"]["default"] is False


# ----------------------------------------------------------------------------- lakehouse IAM

KAFKA_ACTIONS = {
    "KafkaConnect": (
        {"kafka-cluster:Connect", "kafka-cluster:DescribeCluster"},
        ["${var.kafka_cluster_arn}"],
    ),
    "KafkaReadTopics": (
        {"kafka-cluster:DescribeTopic", "kafka-cluster:ReadData"},
        [f"${{local.kafka_topic_arn_prefix}}/${{var.{t}}}" for t in KAFKA_TOPIC_VARS],
    ),
    "KafkaConsumerGroup": (
        {"kafka-cluster:AlterGroup", "kafka-cluster:DescribeGroup"},
        ["${local.kafka_group_arn_prefix}/${var.kafka_consumer_group}"],
    ),
}


def test_ingest_kafka_policy_names_exactly_the_three_topics_and_the_group():
    kafka = [
        s
        for s in _step_documents()["ingest"]
        if any(a.startswith("kafka") for a in as_list(s.get("actions")))
    ]
    assert {s["sid"] for s in kafka} == set(KAFKA_ACTIONS)
    for statement in kafka:
        actions, resources_ = KAFKA_ACTIONS[statement["sid"]]
        assert statement.get("effect") == "Allow"
        assert set(statement["actions"]) == actions, statement["actions"]
        assert statement["resources"] == resources_, statement["resources"]
        assert "condition" not in statement and "not_resources" not in statement
    # the ARN prefixes are the MSK topic/group ARNs of this one cluster
    local = blocks(IAM, "locals")
    assert local["kafka_prefix"] == (
        "arn:${data.aws_partition.current.partition}:kafka:"
        "${data.aws_region.current.region}:${data.aws_caller_identity.current.account_id}"
    )
    for kind, name in (
        ("topic", "kafka_topic_arn_prefix"),
        ("group", "kafka_group_arn_prefix"),
    ):
        assert (
            f'"${{local.kafka_prefix}}:{kind}/${{var.kafka_cluster_name}}/${{var.kafka_cluster_uuid}}"'
            in local[name]
        )
        assert local[name].startswith("${var.kafka_enabled ?")


@pytest.mark.parametrize("name", [*KAFKA_TOPIC_VARS, "kafka_consumer_group"])
def test_kafka_names_cannot_be_iam_wildcards(name):
    variable = blocks(IAM, "variable")[name]
    pattern = re.search(
        r'regex\("([^"]+)"', variable["validation"][0]["condition"]
    ).group(1)
    assert re.fullmatch(pattern, variable["default"])
    for bad in ("*", "user_*", "bpm?", "a/b", ""):
        assert not re.fullmatch(pattern, bad), (name, bad)
    root = blocks(TF_ROOT, "variable")[name]
    assert root["default"] == variable["default"], "root and module defaults differ"


def test_only_ingest_has_kafka_permissions():
    for step, docs in _step_documents().items():
        kafka = {
            a for a in _actions(docs) if a.split(":")[0] in ("kafka", "kafka-cluster")
        }
        if step == "ingest":
            assert kafka == set().union(*(a for a, _ in KAFKA_ACTIONS.values())), kafka
        else:
            assert not kafka, (step, kafka)
    for module, doc, statement in _identity_statements():
        for action in as_list(statement.get("actions")):
            if action.startswith("kafka"):
                assert (module, doc) == ("iam", "ingest_kafka"), (module, doc, action)


def _s3_grants(step):
    """(action, resource) for every S3 grant of a step's merged policy."""
    return {
        (a, r)
        for s in _step_documents()[step]
        for a in as_list(s.get("actions"))
        if a.startswith("s3:")
        for r in as_list(s.get("resources"))
    }


def _list_prefixes(step):
    prefixes = set()
    for statement in _step_documents()[step]:
        if "s3:ListBucket" in as_list(statement.get("actions")):
            conditions = as_list(statement.get("condition"))
            assert any(c.get("variable") == "s3:prefix" for c in conditions), (
                step,
                statement.get("sid"),
            )
            prefixes |= {
                (statement["resources"][0], v) for c in conditions for v in c["values"]
            }
    return prefixes


def test_ingest_reads_landing_and_writes_only_bronze():
    grants = _s3_grants("ingest")
    writes = {(a, r) for a, r in grants if a.startswith(("s3:Put", "s3:Delete"))}
    assert writes == {
        ("s3:PutObject", "${local.lake}/bronze/*"),
        ("s3:DeleteObject", "${local.lake}/bronze/*"),
    }
    reads = {r for a, r in grants if a == "s3:GetObject"}
    assert reads == {
        "${var.raw_bucket_arn}/${var.landing_prefix}/*",
        "${local.lake}/bronze/*",
    }
    assert _list_prefixes("ingest") == {
        ("${var.raw_bucket_arn}", "${var.landing_prefix}/*"),
        ("${var.raw_bucket_arn}", "${var.landing_prefix}/"),
        ("${local.lake}", "bronze/*"),
        ("${local.lake}", "bronze/"),
    }
    assert not any("raw_objects" in r or "raw_prefix" in r for _, r in grants), (
        "ingest reads landing/ only"
    )
    actions = _actions(_step_documents()["ingest"])
    assert {
        "kms:Decrypt",
        "kms:GenerateDataKey",
        "redshift-serverless:GetCredentials",
    } <= actions
    assert blocks(TF_ROOT, "module")["iam"]["landing_prefix"] == "${var.landing_prefix}"
    assert blocks(TF_ROOT, "variable")["landing_prefix"]["default"] == "landing"


def test_silver_writes_only_lake_silver_and_has_no_raw():
    grants = _s3_grants("silver")
    writes = {(a, r) for a, r in grants if a.startswith(("s3:Put", "s3:Delete"))}
    assert writes == {("s3:PutObject", "${local.lake}/silver/*")}
    assert {r for a, r in grants if a == "s3:GetObject"} == {"${local.lake}/silver/*"}
    assert _list_prefixes("silver") == {
        ("${local.lake}", "silver/*"),
        ("${local.lake}", "silver/"),
    }
    assert {a.split(":")[0] for a in _actions(_step_documents()["silver"])} <= {
        "s3",
        "kms",
        "redshift-serverless",
        "redshift",
    }


def test_gold_has_warehouse_credentials_only():
    docs = _step_documents()["gold"]
    assert (
        blocks(IAM, "locals")["step_policies"]["gold"]
        == "${data.aws_iam_policy_document.warehouse_credentials.json}"
    )
    assert _actions(docs) == {
        "redshift-serverless:GetCredentials",
        "redshift:GetClusterCredentials",
    }
    assert not _s3_grants("gold")


def test_report_reads_the_warehouse_and_writes_only_lake_reports():
    assert len(ALL_STEPS) == 8 and len(set(_iam_steps())) == 8
    grants = _s3_grants("report")
    writes = {(a, r) for a, r in grants if a.startswith(("s3:Put", "s3:Delete"))}
    assert writes == {("s3:PutObject", "${local.lake}/reports/*")}
    assert {r for a, r in grants if a == "s3:GetObject"} == {"${local.lake}/reports/*"}
    assert _list_prefixes("report") == {
        ("${local.lake}", "reports/*"),
        ("${local.lake}", "reports/"),
    }
    assert not any("raw" in r for _, r in grants), (
        "the report needs nothing of the raw bucket"
    )
    actions = _actions(_step_documents()["report"])
    assert {
        "kms:Decrypt",
        "kms:GenerateDataKey",
        "redshift-serverless:GetCredentials",
        "redshift:GetClusterCredentials",
    } <= actions
    assert {a.split(":")[0] for a in actions} <= {
        "s3",
        "kms",
        "redshift-serverless",
        "redshift",
    }
    for statement in _step_documents()["report"]:
        for resource in as_list(statement.get("resources")):
            assert resource != "*" and not resource.endswith(":*"), resource


def test_lakehouse_roles_have_no_star_resources():
    for step in LAKEHOUSE_STEPS:
        for statement in _step_documents()[step]:
            for resource in as_list(statement.get("resources")):
                assert resource != "*" and not resource.endswith(":*"), (step, resource)
            for action in as_list(statement.get("actions")):
                assert "*" not in action, (step, action)


# ----------------------------------------------------------------------------- outputs

CONTRACT_VARS = set(
    re.findall(
        r"^\| ([A-Z_0-9]+) ",
        (REPO / "docs" / "contract.md").read_text(encoding="utf-8"),
        re.MULTILINE,
    )
)
# What the lakehouse's ingest step reads (the streaming half's environment).
LAKEHOUSE_VARS = set(LAKEHOUSE_ENV)


def test_no_secret_in_outputs():
    for directory in [TF_ROOT, *module_dirs(), TF_ROOT / "examples" / "complete"]:
        for name, output in blocks(directory, "output").items():
            text = str(output.get("value", "")).lower()
            for word in (
                "password",
                "secret_string",
                "master_password",
                "random_password",
            ):
                if word in text:
                    # ARN of the managed secret is fine, its value is not
                    assert re.search(r"password_secret_arn|admin_secret_arn", text), (
                        f"{directory.name}: output {name} exposes {word}"
                    )
            assert output.get("sensitive") is not True, (
                f"{name}: a sensitive output means a secret is being passed around"
            )


def test_outputs_map_onto_the_pipeline_environment():
    outputs = blocks(TF_ROOT, "output")
    assert outputs["pipeline_environment"]["value"] == "${local.pipeline_environment}"
    assert (
        outputs["airflow_variables"]["value"]["fitbit_pipeline_env"]
        == "${jsonencode(local.pipeline_environment)}"
    )
    env = blocks(TF_ROOT, "locals")["pipeline_environment"]
    allowed = CONTRACT_VARS | LAKEHOUSE_VARS
    assert set(env) <= allowed, set(env) - allowed
    assert {
        "RAW_BUCKET",
        "LAKE_BUCKET",
        "AWS_REGION",
        "WAREHOUSE_JDBC_URL",
        "REDSHIFT_IAM_ROLE",
    } <= set(env)
    assert LAKEHOUSE_VARS <= set(env)
    for var in env:
        assert var.lower() in outputs, f"no single output {var.lower()} for {var}"
    assert {
        "airflow_connections",
        "airflow_variables",
        "ecr_repository_urls",
        "step_role_arns",
        "sns_topic_arn",
        "msk_cluster_arn",
    } <= set(outputs)
    assert outputs["step_role_arns"]["value"] == "${module.iam.role_arns}"
    assert (
        outputs["msk_cluster_arn"]["value"] == "${one(module.streaming[*].cluster_arn)}"
    )


def test_kafka_environment_points_at_msk_with_iam_auth():
    env = blocks(TF_ROOT, "locals")["pipeline_environment"]
    local = blocks(TF_ROOT, "locals")
    assert env["KAFKA_BOOTSTRAP_SERVERS"] == "${local.kafka_bootstrap_servers}"
    assert env["KAFKA_AUTH"] == "${local.kafka_auth}"
    assert local["kafka_auth"] == '${var.streaming_enabled ? "msk-iam" : "none"}'
    assert (
        "module.streaming[*].bootstrap_brokers_sasl_iam"
        in local["kafka_bootstrap_servers"]
    )
    assert local["kafka_bootstrap_servers"].startswith("${var.streaming_enabled ?")
    for var in (
        "KAFKA_TOPIC_USER_INFO",
        "KAFKA_TOPIC_WORKOUT",
        "KAFKA_TOPIC_BPM",
        "KAFKA_CONSUMER_GROUP",
        "LANDING_PREFIX",
    ):
        assert env[var] == f"${{var.{var.lower()}}}", var

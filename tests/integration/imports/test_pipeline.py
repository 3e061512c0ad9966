"""The import pipeline end to end in moto: upload -> EventBridge -> Step Functions -> staging."""

from __future__ import annotations

import time

import boto3
import pytest

from infra.wiring import LOCAL_REGION
from orion.errors import NotFound
from orion.imports.models import ImportStatus, StagedStatus
from orion.imports.repository import ImportRepository
from orion.imports.service import get_import_job, list_import_jobs, staged_products
from tests.feeds import letzshop_feed, shopify_export
from tests.integration.imports.conftest import BAKERY, WIZAMART, Uploader, running_executions


def test_a_letzshop_feed_in_two_languages_stages_every_product_in_both(upload: Uploader) -> None:
    french = upload(letzshop_feed(1000, "fr"), "letzshop_fr.tsv")
    german = upload(letzshop_feed(1000, "de"), "letzshop_de.tsv")

    for job, language in ((french, "fr"), (german, "de")):
        assert job.status is ImportStatus.COMPLETED, job.message
        assert job.counts.rows == job.counts.accepted == 1000
        assert job.progress.chunks_done == job.progress.chunks_total == 1
        assert job.language == language
        staged = staged_products(WIZAMART, job.id)
        assert len(staged) == 1000
        assert {p.language for p in staged} == {language}
    first = next(p for p in staged_products(WIZAMART, french.id) if p.external_id == "WZ-00001")
    assert first.title == "Chaise en chêne n°1"
    assert first.price_minor == 1101
    assert first.gtin
    assert first.image_links == ["https://cdn.wizamart.lu/img/1.jpg"]


def test_a_shopify_export_stages_one_product_per_handle_with_its_variants(upload: Uploader) -> None:
    job = upload(shopify_export(), "products_export.csv", language="en")

    assert job.status is ImportStatus.COMPLETED, job.message
    assert job.counts.rows == 2
    products = {p.external_id: p for p in staged_products(WIZAMART, job.id)}
    tee = products["tee"]
    assert [v.sku for v in tee.variants] == ["TEE-BLU-M", "TEE-BLU-L", "TEE-GRN-M", "TEE-GRN-L"]
    assert tee.variants[0].options == {"Colour": "Blue", "Size": "M"}
    assert tee.variants[2].price_minor == 2650
    assert tee.price_minor == 2500
    assert tee.variants[0].compare_at_minor == 3000
    assert tee.image_links == ["https://cdn.wizamart.lu/tee-blue.jpg", "https://cdn.wizamart.lu/tee-back.jpg"]
    assert "<script>" not in tee.description
    assert "<b>cotton</b>" in tee.description
    assert len(products["mug"].variants) == 1


def test_a_job_of_one_store_is_invisible_to_another(upload: Uploader) -> None:
    job = upload(letzshop_feed(3, "fr"), "feed_fr.tsv")

    with pytest.raises(NotFound):
        get_import_job(BAKERY, job.id)
    with pytest.raises(NotFound):
        staged_products(BAKERY, job.id)
    assert list_import_jobs(BAKERY) == []
    assert [j.id for j in list_import_jobs(WIZAMART)] == [job.id]


def test_jobs_are_listed_newest_first(upload: Uploader) -> None:
    first = upload(letzshop_feed(2, "fr"), "a_fr.tsv")
    second = upload(letzshop_feed(2, "de"), "b_de.tsv")

    assert [j.id for j in list_import_jobs(WIZAMART)] == [second.id, first.id]


def test_a_second_event_for_the_same_upload_changes_nothing(upload: Uploader) -> None:
    job = upload(letzshop_feed(5, "fr"), "feed_fr.tsv")
    s3 = boto3.client("s3", region_name=LOCAL_REGION)

    s3.copy_object(
        Bucket="orion-uploads",
        Key=job.upload_key,
        CopySource={"Bucket": "orion-uploads", "Key": job.upload_key},
        MetadataDirective="REPLACE",
    )
    again = upload.wait(WIZAMART, job.id)

    assert again.status is ImportStatus.COMPLETED
    assert again.counts == job.counts
    assert again.finished_at == job.finished_at
    assert running_executions() == 0


def test_an_upload_without_a_job_is_ignored(upload: Uploader) -> None:
    # given a file under a well-formed key that no job asked for
    stray_job = "01ARZ3NDEKTSV4RRFFQ69G5FAV"
    boto3.client("s3", region_name=LOCAL_REGION).put_object(
        Bucket="orion-uploads", Key=f"uploads/oms/wizamart/{stray_job}/x.tsv", Body=letzshop_feed(2)
    )

    # when its execution has run
    sfn = boto3.client("stepfunctions", region_name=LOCAL_REGION)
    machine = next(m for m in sfn.list_state_machines()["stateMachines"] if m["name"] == "orion-imports")
    deadline = time.monotonic() + 30
    while (
        running_executions()
        or not sfn.list_executions(stateMachineArn=machine["stateMachineArn"])["executions"]
    ):
        assert time.monotonic() < deadline
        time.sleep(0.05)

    # then nothing was created or staged
    (execution,) = sfn.list_executions(stateMachineArn=machine["stateMachineArn"])["executions"]
    assert execution["status"] == "SUCCEEDED"
    assert list_import_jobs(WIZAMART) == []
    assert list(ImportRepository().staged_rows(WIZAMART, stray_job)) == []


def test_staged_rows_can_be_filtered_by_status(upload: Uploader) -> None:
    job = upload(letzshop_feed(4, "fr"), "feed_fr.tsv")

    assert len(staged_products(WIZAMART, job.id, StagedStatus.STAGED)) == 4
    assert staged_products(WIZAMART, job.id, StagedStatus.PUBLISHED) == []

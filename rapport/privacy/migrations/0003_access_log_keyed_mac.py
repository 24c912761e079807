"""The access log's chain, from plain SHA-256 to HMAC-SHA256 under a key outside the database.

The intact start of the chain is converted; from the first entry that does not check out under
SHA-256, entries keep their old hashes, so `verify_access_log` still reports the break where it
is. The head is signed only when it matched the end of an intact chain. Going back converts the
other way, under the same rule.
"""

import hashlib
import hmac

from django.db import migrations, models

from rapport.privacy import accesslog


def _sha256(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()


def _hmac(key: bytes):
    return lambda payload: hmac.new(key, payload, hashlib.sha256).hexdigest()


def _convert(apps, old_digest, new_digest) -> str | None:
    """Re-link the intact start of the chain; return the new last hash when all of it was intact."""
    Entry = apps.get_model("privacy", "AccessLogEntry")
    old_prev, new_prev, expected_seq = accesslog.GENESIS_HASH, accesslog.GENESIS_HASH, 1
    while batch := list(Entry.objects.filter(seq__gte=expected_seq).order_by("seq")[:1000]):
        converted = []
        for entry in batch:
            if entry.seq != expected_seq or entry.prev_hash != old_prev:
                break
            if old_digest(accesslog.chain_payload(entry)) != entry.entry_hash:
                break
            old_prev = entry.entry_hash
            entry.prev_hash = new_prev
            entry.entry_hash = new_prev = new_digest(accesslog.chain_payload(entry))
            converted.append(entry)
            expected_seq += 1
        Entry.objects.bulk_update(converted, ["prev_hash", "entry_hash"])
        if len(converted) < len(batch):
            return None
    Head = apps.get_model("privacy", "AccessLogHead")
    head = Head.objects.filter(pk=1).first()
    if head is None or head.last_seq != expected_seq - 1 or head.last_hash != old_prev:
        return None
    return new_prev


def to_keyed_macs(apps, schema_editor):
    if not apps.get_model("privacy", "AccessLogEntry").objects.exists():
        return
    key = accesslog.mac_keys()[0]
    last_hash = _convert(apps, _sha256, _hmac(key))
    if last_hash is not None:
        head = apps.get_model("privacy", "AccessLogHead").objects.get(pk=1)
        head.last_hash, head.head_mac = last_hash, accesslog.head_mac(head.last_seq, last_hash, key)
        head.save(update_fields=["last_hash", "head_mac"])


def to_plain_hashes(apps, schema_editor):
    if not apps.get_model("privacy", "AccessLogEntry").objects.exists():
        return
    key = accesslog.mac_keys()[0]
    last_hash = _convert(apps, _hmac(key), _sha256)
    if last_hash is not None:
        apps.get_model("privacy", "AccessLogHead").objects.filter(pk=1).update(last_hash=last_hash)


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0002_coach_lead_shares"),
    ]

    operations = [
        migrations.AddField(
            model_name="accessloghead",
            name="head_mac",
            field=models.CharField(default="", max_length=64),
        ),
        migrations.RunPython(to_keyed_macs, to_plain_hashes),
    ]

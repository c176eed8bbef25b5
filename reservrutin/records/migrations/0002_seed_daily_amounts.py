"""Seed Socialstyrelsen's amounts per vårddygn for the years records/payment.py has sources
for. The values are copied here on purpose: a migration must not import app code. Years
without a source stay absent, so the payment overview says the amount is missing."""

from django.db import migrations

AMOUNTS = [
    (2019, 7_800, "HSLF-FS 2018:67", "https://lagen.nu/hslf-fs/2018:67"),
    (
        2020,
        8_200,
        "",
        "https://www.vastkom.se/gits/nyhetsarkiv/nyhetsarkivsamsa/aktuelltsamsa/"
        "informationavseendeersattningsbeloppforutskrivningsklarapatientersamtberakningav"
        "betalningsansvarforpatienterinompsykiatriskvard.5.50cc920016fa8c77c583125e.html",
    ),
    (
        2022,
        9_300,
        "",
        "https://xn--vrdsamverkanskne-dobn.se/2021/12/14/belopp-for-vard-av-utskrivningsklara-patienter/",
    ),
    (
        2023,
        10_500,
        "HSLF-FS 2022:60",
        "https://www.socialstyrelsen.se/publikationer/hslf-fs-202260-socialstyrelsens-"
        "foreskrifter-om-belopp-for-vard-av-utskrivningsklara-patienter-for-ar-2023--2022-11-8255/",
    ),
]


def seed(apps, schema_editor):
    DailyAmount = apps.get_model("records", "DailyAmount")
    for year, amount, regulation, url in AMOUNTS:
        DailyAmount.objects.get_or_create(
            year=year,
            defaults={"amount_sek": amount, "regulation": regulation, "source_url": url},
        )


def unseed(apps, schema_editor):
    DailyAmount = apps.get_model("records", "DailyAmount")
    DailyAmount.objects.filter(year__in=[row[0] for row in AMOUNTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("records", "0001_downtime_records")]

    operations = [migrations.RunPython(seed, unseed)]

import pytest

from povcore.names import fold, fold_keep_marks, strip_type


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Thị trấn Trảng Bom", "TrảngBom"),
        ("Phường Biên Hoà", "Biên Hòa"),
        ("Thành phố Long Khánh", "LongKhánh"),
        ("Huyện Bù Gia Mập", "BùGiaMập"),
        ("Xã Thuỷ Tiên", "thủy tiên"),
        ("Tỉnh Đồng Nai", "ĐồngNai"),
        ("\u00d0ồng Nai", "Đồng Nai"),  # Icelandic eth look-alike
        ("Xa\u0303 Ta\u0302n Ho\u0300a", "Tân Hòa"),  # decomposed input
        ("TP. Biên Hòa", "Biên Hòa"),
    ],
)
def test_equal_keys(a: str, b: str) -> None:
    assert fold(a) == fold(b)
    assert fold_keep_marks(a) == fold_keep_marks(b)


@pytest.mark.parametrize(("name", "key"), [
    ("Thị trấn Trảng Bom", "trangbom"),
    ("Phường 1", "1"),
    ("Xã Hố Nai 3", "honai3"),
    ("Đắk Ơ", "dako"),
])
def test_fold_values(name: str, key: str) -> None:
    assert fold(name) == key


def test_keep_marks_distinguishes_tones() -> None:
    assert fold("Tân Hòa") == fold("Tân Hóa")
    assert fold_keep_marks("Tân Hòa") != fold_keep_marks("Tân Hóa")
    assert fold_keep_marks("Xã Tân Hoà") == "tânhòa"
    assert fold_keep_marks("Khoẻ") == fold_keep_marks("khỏe")
    # Closed syllables and ă keep their own shape consistently.
    assert fold_keep_marks("Hoàng") == fold_keep_marks("HOÀNG")
    assert fold_keep_marks("Hoặc") == fold_keep_marks("hoặc")


def test_strip_type_only_strips_whole_prefixes() -> None:
    assert strip_type("Quang Vinh") == "quang vinh"
    assert strip_type("Xuân Thạnh") == "xuân thạnh"
    assert strip_type("Thị xã Phước Long") == "phước long"
    assert strip_type("Phường Phường 2") == "phường 2"
    assert strip_type("TX Bình Long") == "bình long"

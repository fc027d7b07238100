from credmatch.linking.text import content_tokens, tokenize, word_windows


def test_tokenize_keeps_programming_language_names_whole() -> None:
    assert tokenize("C++, C# and Node.js") == ["c++", "c#", "and", "node.js"]


def test_tokenize_strips_plural_s_but_not_ss() -> None:
    assert tokenize("forklifts process class") == ["forklift", "process", "class"]


def test_content_tokens_drop_stopwords() -> None:
    assert content_tokens("Experience with the Python language") == ["python", "language"]


def test_windows_cover_every_word_including_the_tail() -> None:
    windows = word_windows("a b c d e f g", size=3, stride=2)
    assert windows == ["a b c", "c d e", "e f g"]
    assert word_windows("a b c d e f g h", size=3, stride=2)[-1] == "f g h"


def test_short_text_has_no_windows() -> None:
    assert word_windows("python java", size=4, stride=2) == []

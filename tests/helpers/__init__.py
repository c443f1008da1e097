"""What the tests share: building submissions, the answer libraries (wrong answers, legitimate
variants, the red team), the hidden tests' text, the book's chapters and the book build that
runs in the background while the other tests do."""

"""Charts: matplotlib figures (`plots`) and the chart sets each book embeds (`figures`)."""

"""The office files of a review, written from the HTML bilan: tables in Excel, the bilan and a draft of the minutes in Word."""

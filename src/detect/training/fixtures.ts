/**
 * Hand-written everyday requests (ours, not from any dataset) for the cases the public sets lack:
 * clear requests that must stay clear, and underspecified ones in app traffic. Used by
 * `npm run eval` (false-positive / recall rates on app-style traffic) and by tests. Never trained on.
 */
export const CLEAR_FIXTURES: readonly string[] = [
  'What is the boiling point of water at sea level in degrees Celsius?',
  'Write a Python function that returns the n-th Fibonacci number iteratively.',
  'List the planets of the solar system in order from the sun.',
  'Who wrote the novel Pride and Prejudice?',
  'Describe the water cycle in one sentence.',
  'Convert 30 miles to kilometres.',
  'Translate "good morning, how are you?" into Italian.',
  'Explain how a hash map handles collisions, with a short example in Java.',
  'Give me a 3-day itinerary for Rome focused on ancient history, on a budget.',
  'What is the capital of Australia?',
  'Write a haiku about autumn leaves falling on a quiet pond.',
  'How many bones are in the adult human body?',
  'Sort these numbers in ascending order: 42, 7, 19, 3, 88.',
  'Summarize the plot of the film Inception in two sentences.',
  'What are the main differences between TCP and UDP?',
  'Draft a polite email to my landlord asking to fix the broken heater this week.',
  'Generate a SQL query that counts orders per customer in a table named orders with a customer_id column.',
  'Recommend three science fiction novels for a teenager who liked The Hunger Games.',
  'Who was the first person to walk on the moon?',
  'How do I reverse a string in JavaScript?',
  'Write a limerick about a cat who learns to surf.',
  'What does the HTTP status code 404 mean?',
  'Explain photosynthesis to a 10-year-old in simple words.',
  'Calculate the compound interest on $1000 at 5% per year for 3 years.',
  'Book a table for two at Luigi’s tomorrow at 7pm.',
];

export const UNDERSPECIFIED_FIXTURES: readonly string[] = [
  'Summarize this.',
  'Please proofread my essay.',
  'Can you make it shorter?',
  'Fix the bug.',
  'Translate this sentence: "Where is the train station?"',
  'Book a table for dinner.',
  'Send the quarterly report.',
  'Recommend me a laptop.',
  'Who is the current prime minister?',
  "What's the minimum wage?",
  'Tell me about mercury.',
  'Describe the water cycle in one sentence, at least 500 words.',
  'Use the same approach as mentioned above.',
  'What is wrong with the file?',
  'Compare them for me.',
];

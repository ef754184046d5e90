"""Ask a question: plain-English questions answered over the semantic model (sql/semantic/).

model.py loads the Cortex Analyst semantic model; interpret.py maps a question to a Plan offline;
sqlgen.py writes the Plan as SQL over ANALYTICS.*; cortex.py asks Cortex Analyst instead; answer.py
runs either SQL through the portal's query compiler and cache and shapes the answer.
"""
